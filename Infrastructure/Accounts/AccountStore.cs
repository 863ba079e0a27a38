using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Accounts;

/// <summary>
/// Filters of the register (all optional); pages in login order after <see cref="After"/>, or, for dormant accounts, longest
/// idle first after (<see cref="AfterIdle"/>, <see cref="After"/>).
/// </summary>
public sealed record AccountQuery(string SystemId, AccountStatus? Status = null, string? Department = null, DateTimeOffset? DormantCutoff = null,
    string? After = null, int Limit = 25, DateTimeOffset? AfterIdle = null);

/// <summary>One line of an account's history: what changed, when, by whom, and the ticket that changed it.</summary>
public sealed class AccountHistoryEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string ActorId { get; init; } = "";
    public string Change { get; init; } = "";
    public string? Role { get; init; }
    public string Details { get; init; } = "{}";
    public long? TicketId { get; init; }
}

/// <summary>
/// The account register: reads filter by the caller's scope (the account's unit) in the SQL itself. Writes are the initial
/// import, reported last uses and, inside a resolve's transaction, an AccountPermission ticket's changes.
/// </summary>
public sealed class AccountStore(Database database)
{
    private readonly AccountSql _sql = new(database.Dialect);

    public bool IsUniqueViolation(DbException e) => database.Dialect.IsUniqueViolation(e);

    /// <summary>
    /// Stores the imported accounts and an Import history entry for each in one transaction: all of them, or (a login taken
    /// meanwhile) none.
    /// </summary>
    public Task ImportAsync(IReadOnlyList<Account> accounts, string actorId, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (accounts.Count == 0) return 0;
            var after = await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccountSql.LastAccountId, null, transaction, cancellationToken: token));
            // A list of parameter objects runs the one command once per account (instants written as everywhere else).
            await connection.ExecuteAsync(new CommandDefinition(AccountSql.InsertImported, accounts.Select(Args).ToList(), transaction, cancellationToken: token));
            await connection.ExecuteAsync(new CommandDefinition(AccountSql.InsertImportHistory,
                new { At = now, ActorId = actorId, accounts[0].SystemId, After = after }, transaction, cancellationToken: token));
            return accounts.Count;
        }, ct);

    /// <summary>Which of these logins the system's register already holds.</summary>
    public Task<IReadOnlyList<string>> ExistingAsync(string systemId, IReadOnlyCollection<string> logins, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<string>>(async (connection, token) =>
        {
            var found = new List<string>();
            foreach (var chunk in logins.Chunk(500))
                found.AddRange((await connection.QueryAsync<AccountRow>(new CommandDefinition(AccountSql.ByLogins,
                    new { SystemId = systemId, logins = chunk }, cancellationToken: token))).Select(r => r.Login));
            return found;
        }, ct);

    /// <summary>Records reported uses (only later than the one recorded); returns the logins the register does not hold.</summary>
    public Task<IReadOnlyList<string>> LastUsedAsync(string systemId, IReadOnlyList<(string Login, DateTimeOffset At)> uses, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.WriteAsync<IReadOnlyList<string>>(async (connection, transaction, token) =>
        {
            var unknown = new List<string>();
            foreach (var (login, at) in uses)
            {
                var args = new { SystemId = systemId, Login = login, At = at, ScopeFrom = from, ScopeTo = to };
                if (await connection.ExecuteAsync(new CommandDefinition(AccountSql.LastUsed, args, transaction, cancellationToken: token)) == 0
                    && await connection.ExecuteScalarAsync<int>(new CommandDefinition(AccountSql.Exists, args, transaction, cancellationToken: token)) == 0)
                    unknown.Add(login);
            }
            return unknown;
        }, ct);
    }

    public Task<Account?> GetAsync(string systemId, string login, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            AccountSql.Get, new { SystemId = systemId, Login = login, ScopeFrom = from, ScopeTo = to }, cancellationToken: token)))?.ToAccount(), ct);
    }

    public Task<IReadOnlyList<AccountHistoryEntry>> HistoryAsync(long accountId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<AccountHistoryEntry>>(async (connection, token) => (await connection.QueryAsync<AccountHistoryEntry>(
            new CommandDefinition(AccountSql.History, new { AccountId = accountId }, cancellationToken: token))).ToList(), ct);

    /// <summary>One page in login order (dormant accounts: longest idle first), plus whether more follow.</summary>
    public async Task<(IReadOnlyList<Account> Items, bool More)> ListAsync(AccountQuery query, Actor actor, CancellationToken ct)
    {
        var (sql, args) = ListCommand(query, actor, query.Limit + 1);
        var rows = await database.ReadAsync(async (connection, token) =>
            (await connection.QueryAsync<AccountRow>(new CommandDefinition(sql, args, cancellationToken: token))).Select(r => r.ToAccount()).ToList(), ct);
        var more = rows.Count > query.Limit;
        return (more ? rows.Take(query.Limit).ToList() : rows, more);
    }

    /// <summary>Every account the query finds, read row by row as the caller consumes them (an export never holds them all).</summary>
    public async IAsyncEnumerable<Account> StreamAsync(AccountQuery query, Actor actor, [EnumeratorCancellation] CancellationToken ct)
    {
        var (sql, args) = ListCommand(query with { After = null, AfterIdle = null }, actor, null);
        await using var connection = await database.OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<AccountRow>(sql, args).WithCancellation(ct))
            yield return row.ToAccount();
    }

    private (string Sql, DynamicParameters Args) ListCommand(AccountQuery query, Actor actor, int? limit)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var args = new DynamicParameters(new { query.SystemId, ScopeFrom = from, ScopeTo = to });
        var filters = AccountFilters.None;
        if (query.Status is { } status) { filters |= AccountFilters.Status; args.Add("Status", status.ToString()); }
        if (query.Department is { } department) { filters |= AccountFilters.Department; args.Add("Department", department); }
        if (query.DormantCutoff is { } cutoff) { filters |= AccountFilters.Dormant; args.Add("Cutoff", cutoff); }
        if (query.After is { } after)
        {
            filters |= AccountFilters.After;
            args.Add("After", after);
            if (query.DormantCutoff is not null) args.Add("AfterIdle", query.AfterIdle ?? throw new ArgumentException("A dormant page continues after an idle instant."));
        }
        return (_sql.List(filters, limit), args);
    }

    /// <summary>The system's accounts with these logins, read inside a change's transaction.</summary>
    internal static async Task<IReadOnlyDictionary<string, Account>> ByLoginsAsync(DbConnection connection, DbTransaction transaction, string systemId,
        IReadOnlyCollection<string> logins, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(AccountSql.ByLogins, new { SystemId = systemId, logins = logins.ToArray() },
            transaction, cancellationToken: ct));
        // Logins are ASCII now, but a register written before may hold two that only a non-ASCII letter's case tells apart:
        // the one spelled exactly as asked wins instead of the lookup failing.
        var asked = new HashSet<string>(logins, StringComparer.Ordinal);
        var accounts = new Dictionary<string, Account>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in rows.Select(r => r.ToAccount()))
            if (!accounts.TryGetValue(account.Login, out var held) || !asked.Contains(held.Login) && asked.Contains(account.Login))
                accounts[account.Login] = account;
        return accounts;
    }

    /// <summary>Inside a change's transaction: a new account (returns its id) or the changed fields of an existing one.</summary>
    internal async Task<long> SaveAsync(DbConnection connection, DbTransaction transaction, Account account, CancellationToken ct)
    {
        if (account.Id == 0)
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.Insert, Args(account), transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(AccountSql.Update, Args(account), transaction, cancellationToken: ct));
        return account.Id;
    }

    internal static Task AppendHistoryAsync(DbConnection connection, DbTransaction transaction, long accountId, DateTimeOffset at, string actorId,
        AccountOp change, string? role, object details, long? ticketId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(AccountSql.InsertHistory, new
        {
            AccountId = accountId, At = at, ActorId = actorId, Change = change.ToString(), Role = role, Details = JsonSerializer.Serialize(details),
            TicketId = ticketId,
        }, transaction, cancellationToken: ct));

    /// <summary>Active accounts idle since <paramref name="cutoff"/> or earlier whose dormancy has not been notified.</summary>
    public Task<IReadOnlyList<(long Id, string SystemId, string Login, string UnitPath)>> DormantDueAsync(DateTimeOffset cutoff, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(long, string, string, string)>>(async (connection, token) => (await connection.QueryAsync<(long, string, string, string)>(
            new CommandDefinition(_sql.DormantDue, new { Cutoff = cutoff, Limit = limit }, cancellationToken: token))).ToList(), ct);

    /// <summary>Marks the account's dormancy notified and stores its notification, once: false when another pass did it first.</summary>
    public Task<bool> NotifyDormantAsync(long accountId, Notification notification, SlaStore notifications, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(AccountSql.MarkDormantNotified, new { Id = accountId, Now = notification.CreatedAt },
                    transaction, cancellationToken: token)) == 0) return false;
            await notifications.AddNotificationsAsync(connection, transaction, [notification], token);
            return true;
        }, ct);

    private static object Args(Account a) => new
    {
        a.Id, a.SystemId, a.Login, a.Holder, a.UserId, a.UnitId, a.UnitPath, a.Department, Roles = string.Join(';', a.Roles),
        Status = a.Status.ToString(), a.LastUsedAt, a.IdleSince, a.CreatedAt, a.UpdatedAt,
    };

    internal sealed class AccountRow
    {
        public long Id { get; init; }
        public string SystemId { get; init; } = "";
        public string Login { get; init; } = "";
        public string Holder { get; init; } = "";
        public string? UserId { get; init; }
        public string UnitId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string? Department { get; init; }
        public string Roles { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset? LastUsedAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public Account ToAccount() => new(Id, SystemId, Login, Holder, UserId, UnitId, UnitPath, Department, SplitRoles(Roles),
            Enum.Parse<AccountStatus>(Status), LastUsedAt, CreatedAt, UpdatedAt);
    }

    public static IReadOnlyList<string> SplitRoles(string roles) => roles.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
