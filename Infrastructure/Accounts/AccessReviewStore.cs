using Dapper;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Accounts;

/// <summary>Access reviews and their items; reads filter by the caller's scope (the review's unit) in the SQL.</summary>
public sealed class AccessReviewStore(Database database)
{
    private readonly AccountSql _sql = new(database.Dialect);

    /// <summary>Opens the review with one item per Active account of its system in its unit subtree; null when its quarter already has one.</summary>
    public async Task<long?> OpenAsync(AccessReview review, CancellationToken ct)
    {
        try
        {
            return await database.WriteAsync(async (connection, transaction, token) =>
            {
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertReview, new
                {
                    review.SystemId, review.UnitId, review.UnitPath, review.Department, review.DueBy, review.Period, review.OpenedAt, review.OpenedBy,
                }, transaction, cancellationToken: token));
                var (from, to) = Scope.Range(review.UnitPath);
                await connection.ExecuteAsync(new CommandDefinition(AccountSql.InsertReviewItems,
                    new { ReviewId = id, review.SystemId, From = from, To = to }, transaction, cancellationToken: token));
                return (long?)id;
            }, ct);
        }
        catch (System.Data.Common.DbException e) when (review.Period is not null && database.Dialect.IsUniqueViolation(e))
        {
            return null;
        }
    }

    /// <summary>How many Active accounts of the system a review at <paramref name="unitPath"/> would cover.</summary>
    public Task<int> ActiveAccountsAsync(string systemId, string unitPath, CancellationToken ct)
    {
        var (from, to) = Scope.Range(unitPath);
        return database.ReadAsync((connection, token) => connection.ExecuteScalarAsync<int>(new CommandDefinition(AccountSql.ActiveInSubtree,
            new { SystemId = systemId, From = from, To = to }, cancellationToken: token)), ct);
    }

    public Task<AccessReview?> GetAsync(long id, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<ReviewRow>(new CommandDefinition(
            AccountSql.GetReview, new { Id = id, ScopeFrom = from, ScopeTo = to }, cancellationToken: token)))?.ToReview(), ct);
    }

    public Task<IReadOnlyList<ReviewItem>> ItemsAsync(long reviewId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<ReviewItem>>(async (connection, token) => (await connection.QueryAsync<ItemRow>(new CommandDefinition(
            AccountSql.ReviewItems, new { ReviewId = reviewId }, cancellationToken: token))).Select(r => r.ToItem()).ToList(), ct);

    public async Task<(IReadOnlyList<AccessReview> Items, bool More)> ListAsync(string? systemId, ReviewState? state, long? before, int limit, Actor actor,
        CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var filters = (systemId is null ? ReviewFilters.None : ReviewFilters.System) | (state is null ? ReviewFilters.None : ReviewFilters.State)
                      | (before is null ? ReviewFilters.None : ReviewFilters.Before);
        var rows = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<ReviewRow>(new CommandDefinition(
            _sql.ListReviews(filters, limit + 1), new { ScopeFrom = from, ScopeTo = to, SystemId = systemId, State = state?.ToString(), Before = before },
            cancellationToken: token))).Select(r => r.ToReview()).ToList(), ct);
        var more = rows.Count > limit;
        return (more ? rows.Take(limit).ToList() : rows, more);
    }

    /// <summary>Records the decision unless the item was decided already (false), and completes the review when it was the last.</summary>
    /// <remarks>Completing publishes <c>access-review.completed</c> in the same transaction.</remarks>
    public Task<(bool Decided, bool Completed)> DecideAsync(AccessReview review, long accountId, ReviewDecision decision, string? comment, string actorId,
        DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var reviewId = review.Id;
            if (await connection.ExecuteAsync(new CommandDefinition(AccountSql.Decide, new
                {
                    ReviewId = reviewId, AccountId = accountId, Decision = decision.ToString(), Comment = comment, DecidedBy = actorId, DecidedAt = now,
                }, transaction, cancellationToken: token)) == 0) return (false, false);
            var completed = await connection.ExecuteAsync(new CommandDefinition(AccountSql.Complete, new { Id = reviewId, Now = now }, transaction,
                cancellationToken: token)) == 1;
            if (completed)
                await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent,
                    TicketEvents.AccessReview(TicketEvents.AccessReviewCompleted, review, actorId, now), transaction, cancellationToken: token));
            return (true, completed);
        }, ct);

    public Task LinkTicketAsync(long reviewId, long accountId, long ticketId, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(AccountSql.LinkTicket,
            new { ReviewId = reviewId, AccountId = accountId, TicketId = ticketId }, transaction, cancellationToken: token)), ct);

    public Task<IReadOnlyList<AccessReview>> OverdueDueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<AccessReview>>(async (connection, token) => (await connection.QueryAsync<ReviewRow>(new CommandDefinition(
            _sql.OverdueDue, new { Now = now, Limit = limit }, cancellationToken: token))).Select(r => r.ToReview()).ToList(), ct);

    /// <summary>
    /// Marks the review Overdue and stores its notification and its <c>access-review.overdue</c> event, once: false when it was
    /// not Open any more.
    /// </summary>
    public Task<bool> MarkOverdueAsync(AccessReview review, Notification notification, SlaStore notifications, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(AccountSql.MarkOverdue, new { review.Id, Now = notification.CreatedAt }, transaction,
                    cancellationToken: token)) == 0) return false;
            await notifications.AddNotificationsAsync(connection, transaction, [notification], token);
            await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent,
                TicketEvents.AccessReview(TicketEvents.AccessReviewOverdue, review, Actor.System.UserId, notification.CreatedAt), transaction,
                cancellationToken: token));
            return true;
        }, ct);

    public Task<IReadOnlyList<(long ReviewId, long AccountId)>> RevokesOwingTicketAsync(int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(long, long)>>(async (connection, token) => (await connection.QueryAsync<(long, long)>(new CommandDefinition(
            _sql.RevokesOwingTicket, new { Limit = limit }, cancellationToken: token))).ToList(), ct);

    public Task<bool> PeriodOpenedAsync(string systemId, string unitId, string period, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => await connection.ExecuteScalarAsync<int>(new CommandDefinition(AccountSql.PeriodExists,
            new { SystemId = systemId, UnitId = unitId, Period = period }, cancellationToken: token)) > 0, ct);

    public Task<IReadOnlyList<(string SystemId, string UnitId, string UnitPath)>> OwnerUnitsAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(string, string, string)>>(async (connection, token) => (await connection.QueryAsync<(string, string, string)>(
            new CommandDefinition(AccountSql.OwnerUnits, cancellationToken: token))).ToList(), ct);

    private sealed class ReviewRow
    {
        public long Id { get; init; }
        public string SystemId { get; init; } = "";
        public string UnitId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string? Department { get; init; }
        public string State { get; init; } = "";
        public DateTimeOffset DueBy { get; init; }
        public string? Period { get; init; }
        public DateTimeOffset OpenedAt { get; init; }
        public string OpenedBy { get; init; } = "";
        public DateTimeOffset? CompletedAt { get; init; }
        public DateTimeOffset? OverdueAt { get; init; }

        public AccessReview ToReview() => new(Id, SystemId, UnitId, UnitPath, Department, Enum.Parse<ReviewState>(State), DueBy, Period, OpenedAt, OpenedBy,
            CompletedAt, OverdueAt);
    }

    private sealed class ItemRow
    {
        public long AccountId { get; init; }
        public string Login { get; init; } = "";
        public string Holder { get; init; } = "";
        public string Roles { get; init; } = "";
        public string? Decision { get; init; }
        public string? Comment { get; init; }
        public string? DecidedBy { get; init; }
        public DateTimeOffset? DecidedAt { get; init; }
        public long? TicketId { get; init; }

        public ReviewItem ToItem() => new(AccountId, Login, Holder, AccountStore.SplitRoles(Roles),
            Decision is null ? null : Enum.Parse<ReviewDecision>(Decision), Comment, DecidedBy, DecidedAt, TicketId);
    }
}
