using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Sla;

/// <summary>
/// Who a notification is for: a support group (by id); a unit's service desk, IT managers or business approvers (by the
/// unit's path); or a business department's approvers (by the department's code).
/// </summary>
public enum RecipientKind
{
    Group,
    ServiceDesk,
    ItManagers,
    /// <summary>The business approvers whose scope covers the unit: for a change whose owning department is not known.</summary>
    Approvers,
    DepartmentApprovers,
    /// <summary>One user (by id): a ticket's watcher.</summary>
    User,
}

/// <summary>A notification for the people up the hierarchy; read through the API, delivered by integrations.</summary>
public sealed class Notification
{
    public long Id { get; init; }
    /// <summary>The ticket it is about; null for a notification about an inspection run.</summary>
    public long? TicketId { get; init; }
    public long? InspectionRunId { get; init; }
    /// <summary>What it is about when that is neither a ticket nor a run, e.g. "account:ERP:zhangsan", "access-review:7".</summary>
    public string? Subject { get; init; }
    public string Type { get; init; } = "";
    public RecipientKind RecipientKind { get; init; }
    public string Recipient { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string Details { get; init; } = "{}";

    /// <summary>Whether <paramref name="reader"/> reads this notification in <c>GET /notifications</c> (as <see cref="SlaSql"/> selects them).</summary>
    public bool Reaches(Actor reader) => RecipientKind switch
    {
        RecipientKind.Group => reader.GroupIds.Contains(Recipient),
        RecipientKind.ServiceDesk => reader.Has(Role.ServiceDesk) && reader.CanSee(Recipient),
        RecipientKind.ItManagers => reader.Has(Role.ItManager) && reader.CanSee(Recipient),
        RecipientKind.Approvers => reader.Has(Role.BusinessApprover) && reader.CanSee(Recipient),
        RecipientKind.DepartmentApprovers => reader.Has(Role.BusinessApprover) && reader.Department == Recipient,
        RecipientKind.User => reader.UserId == Recipient,
        _ => false,
    };
}

/// <summary>Calendars, policies, clocks, notifications and the scheduler's lease.</summary>
public sealed class SlaStore(Database database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SlaSql _sql = new(database.Dialect);

    public Task<IReadOnlyList<(string Code, CalendarDefinition Definition)>> CalendarsAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(string, CalendarDefinition)>>(async (connection, token) =>
            (await connection.QueryAsync<(string Code, string Definition)>(new CommandDefinition(SlaSql.Calendars, cancellationToken: token)))
            .Select(r => (r.Code, StoredDocuments.ReadCalendar(r.Definition))).ToList(), ct);

    /// <summary>Creates or replaces a calendar; true when it was created.</summary>
    public Task<bool> SaveCalendarAsync(string code, CalendarDefinition definition, DateTimeOffset at, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var args = new { code, definition = StoredDocuments.Write(definition), at };
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SlaSql.CalendarExists, args, transaction, cancellationToken: token)) > 0;
            await connection.ExecuteAsync(new CommandDefinition(exists ? SlaSql.UpdateCalendar : SlaSql.InsertCalendar, args, transaction, cancellationToken: token));
            return !exists;
        }, ct);

    public Task<int> LatestPolicyVersionAsync(CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
            await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SlaSql.LatestPolicyVersion, cancellationToken: token)) ?? 0, ct);

    public Task<SlaPolicy?> PolicyAsync(int version, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
            await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SlaSql.Policy, new { version }, cancellationToken: token)) is { } json
                ? StoredDocuments.ReadPolicy(json, version)
                : null, ct);

    /// <summary>Stores the policy as the next version and returns it.</summary>
    public Task<SlaPolicy> AddPolicyVersionAsync(SlaPolicy policy, string by, DateTimeOffset at, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var version = (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SlaSql.LatestPolicyVersion, null, transaction, cancellationToken: token)) ?? 0) + 1;
            var stored = policy with { Version = version };
            await connection.ExecuteAsync(new CommandDefinition(SlaSql.InsertPolicy,
                new { version, definition = StoredDocuments.Write(stored), at, by }, transaction, cancellationToken: token));
            return stored;
        }, ct);

    public Task SavePriorityMatrixAsync(PriorityMatrix matrix, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            foreach (var cell in matrix.Cells)
                await connection.ExecuteAsync(new CommandDefinition(SlaSql.PriorityMatrixCell,
                    new { impact = cell.Impact.ToString(), urgency = cell.Urgency.ToString(), priority = cell.Priority.ToString() }, transaction, cancellationToken: token));
            return true;
        }, ct);

    public Task<List<SlaClock>> ClocksAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => (await connection.QueryAsync<ClockRow>(
            new CommandDefinition(SlaSql.ClocksOfTicket, new { ticketId }, cancellationToken: token))).Select(r => r.ToClock()).ToList(), ct);

    public async Task<ILookup<long, SlaClock>> ClocksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> ticketIds, CancellationToken ct) =>
        (await connection.QueryAsync<ClockRow>(new CommandDefinition(SlaSql.ClocksOfTickets, new { ticketIds }, transaction, cancellationToken: ct)))
        .Select(r => r.ToClock()).ToLookup(c => c.TicketId);

    /// <summary>The clocks of one ticket inside the caller's transaction (a fixed text, so that the writer keeps it prepared).</summary>
    public async Task<List<SlaClock>> ClocksAsync(DbConnection connection, DbTransaction transaction, long ticketId, CancellationToken ct) =>
        (await connection.QueryKeptAsync<ClockRow>(SlaSql.ClocksOfTicket, new { ticketId }, transaction, ct)).Select(r => r.ToClock()).ToList();

    /// <summary>
    /// Inserts the clocks of a ticket just stored, whatever ids they carry: a unit of work tried again inserts them again
    /// (its first attempt was rolled back).
    /// </summary>
    public async Task InsertClocksAsync(DbConnection connection, DbTransaction transaction, long ticketId, IEnumerable<SlaClock> clocks, CancellationToken ct)
    {
        foreach (var clock in clocks)
            clock.Identify(await connection.ScalarKeptAsync<long>(_sql.InsertClock, ClockRow.Parameters(clock, ticketId), transaction, ct), ticketId);
    }

    /// <summary>Inserts new clocks and updates changed ones, inside the caller's transaction.</summary>
    public async Task SaveClocksAsync(DbConnection connection, DbTransaction transaction, long ticketId, IEnumerable<SlaClock> clocks, CancellationToken ct)
    {
        foreach (var clock in clocks.Where(c => c.Changed || c.Id == 0))
        {
            var args = ClockRow.Parameters(clock, ticketId);
            if (clock.Id == 0)
                clock.Identify(await connection.ScalarKeptAsync<long>(_sql.InsertClock, args, transaction, ct), ticketId);
            else
                await connection.ExecuteKeptAsync(SlaSql.UpdateClock, args, transaction, ct);
        }
        await connection.ExecuteKeptAsync(SlaSql.ClocksFollowTicket, new { ticketId }, transaction, ct);
    }

    public async Task AddNotificationsAsync(DbConnection connection, DbTransaction transaction, IEnumerable<Notification> notifications, CancellationToken ct)
    {
        // A ticket's watchers get its notifications too.
        foreach (var n in await Tickets.WatcherStore.AlsoToWatchersAsync(connection, transaction, notifications.ToList(), ct))
            await connection.ExecuteKeptAsync(SlaSql.InsertNotification, new
            {
                n.TicketId, n.InspectionRunId, n.Subject, n.Type, RecipientKind = n.RecipientKind.ToString(), n.Recipient, n.CreatedAt, n.Details,
            }, transaction, ct);
    }

    /// <summary>Notifications addressed to the caller: to its groups, or (service desk, IT managers) to units in its scope.</summary>
    public Task<IReadOnlyList<Notification>> NotificationsForAsync(Actor actor, long? before, int limit, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<Notification>>(async (connection, token) => (await connection.QueryAsync<Notification>(
            new CommandDefinition(_sql.Notifications(before is not null), new
            {
                groups = actor.GroupIds.ToArray(), isManager = actor.Has(Role.ItManager) ? 1 : 0, isDesk = actor.Has(Role.ServiceDesk) ? 1 : 0,
                isApprover = actor.Has(Role.BusinessApprover) ? 1 : 0, department = actor.Department, user = actor.UserId, from, to, before, limit,
            }, cancellationToken: token))).ToList(), ct);
    }

    public Task<IReadOnlyList<long>> DueTicketIdsAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<long>>(async (connection, token) => (await connection.QueryAsync<long>(
            new CommandDefinition(_sql.DueTickets, new { now, batch }, cancellationToken: token))).Distinct().ToList(), ct);

    public Task<IReadOnlyList<long>> AutoCloseDueAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<long>>(async (connection, token) => (await connection.QueryAsync<long>(
            new CommandDefinition(_sql.AutoCloseDue, new { now, batch, changes = Changes }, cancellationToken: token))).ToList(), ct);

    /// <summary>When, after <paramref name="after"/>, the scheduler next has something to do, or null when nothing is pending.</summary>
    public Task<DateTimeOffset?> NextDueAsync(DateTimeOffset after, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => await connection.QuerySingleOrDefaultAsync<DateTimeOffset?>(
            new CommandDefinition(_sql.NextDue, new { after, changes = Changes }, cancellationToken: token)), ct);

    /// <summary>Resolved changes whose confirmation window has passed and whose overdue evaluation has not been notified yet.</summary>
    public Task<IReadOnlyList<long>> EvaluationOverdueAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<long>>(async (connection, token) => (await connection.QueryAsync<long>(
            new CommandDefinition(_sql.EvaluationOverdue, new { now, batch, changes = Changes }, cancellationToken: token))).ToList(), ct);

    private static readonly string[] Changes = CategoryRules.Changes.Select(c => c.ToString()).ToArray();

    /// <summary>Seeds the default calendars (CN-BUSINESS, 24x7) and policy version 1 into a database that has none.</summary>
    public async Task EnsureDefaultsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var existing = (await CalendarsAsync(ct)).Select(c => c.Code).ToHashSet();
        foreach (var (code, definition) in SlaDefaults.Calendars.Where(c => !existing.Contains(c.Code)))
            await SaveCalendarAsync(code, definition, now, ct);
        if (await LatestPolicyVersionAsync(ct) == 0) await AddPolicyVersionAsync(SlaPolicy.Default, "system", now, ct);
    }

    internal sealed class ClockRow
    {
        public long Id { get; init; }
        public long TicketId { get; init; }
        public string Kind { get; init; } = "";
        public string Calendar { get; init; } = "";
        public int TargetMinutes { get; init; }
        public int PolicyVersion { get; init; }
        public int WarnAtPercent { get; init; }
        public string State { get; init; } = "";
        public DateTimeOffset StartedAt { get; init; }
        public DateTimeOffset? StoppedAt { get; init; }
        public double ElapsedMinutes { get; init; }
        public DateTimeOffset? RunningSince { get; init; }
        public DateTimeOffset? WarnAt { get; init; }
        public DateTimeOffset? DueAt { get; init; }
        public bool Warned { get; init; }
        public DateTimeOffset? BreachedAt { get; init; }
        public DateTimeOffset? NextDeadline { get; init; }
        public string Segments { get; init; } = "[]";

        public SlaClock ToClock() => SlaClock.Restore(Id, TicketId, Enum.Parse<ClockKind>(Kind), Calendar, TargetMinutes, PolicyVersion,
            WarnAtPercent, Enum.Parse<ClockState>(State), StartedAt, StoppedAt, ElapsedMinutes, RunningSince, WarnAt, DueAt, Warned,
            BreachedAt, NextDeadline, JsonSerializer.Deserialize<List<ClockSegment>>(Segments, Json)!);

        public static object Parameters(SlaClock c, long ticketId) => new
        {
            c.Id, TicketId = ticketId, Kind = c.Kind.ToString(), c.Calendar, c.TargetMinutes, c.PolicyVersion, c.WarnAtPercent,
            State = c.State.ToString(), c.StartedAt, c.StoppedAt, c.ElapsedMinutes, c.RunningSince, c.WarnAt, c.DueAt, c.Warned,
            c.BreachedAt, c.NextDeadline, Segments = JsonSerializer.Serialize(c.Segments, Json),
        };
    }
}

/// <summary>The product's default calendars (docs/domain.md (Service levels)).</summary>
public static class SlaDefaults
{
    private static readonly IReadOnlyList<PeriodDefinition> BusinessDay = [new("08:30", "12:00"), new("13:30", "17:30")];
    private static readonly IReadOnlyList<PeriodDefinition> WholeDay = [new("00:00", "24:00")];

    public static readonly IReadOnlyList<(string Code, CalendarDefinition Definition)> Calendars =
    [
        ("CN-BUSINESS", new CalendarDefinition("China business days (Asia/Shanghai)", "Asia/Shanghai", Week(BusinessDay, weekend: false))),
        ("24x7", new CalendarDefinition("Around the clock", "Asia/Shanghai", Week(WholeDay, weekend: true))),
    ];

    private static Dictionary<string, IReadOnlyList<PeriodDefinition>> Week(IReadOnlyList<PeriodDefinition> periods, bool weekend) =>
        new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }
            .ToDictionary(d => d, d => weekend || (d != "saturday" && d != "sunday") ? periods : (IReadOnlyList<PeriodDefinition>)[]);
}
