using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Itsm.Domain.Configuration;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Configuration;

/// <summary>Which items of a system a list shows: one environment, keys starting with a prefix (both optional).</summary>
public sealed record InventoryFilter(string? Environment, string? KeyPrefix);

/// <summary>An item to enter into the inventory (created by hand or one line of an import).</summary>
public sealed record NewItem(string Key, string Environment, string Value, string? Description);

/// <summary>A version a configuration change wrote, as the ticket lists it.</summary>
public sealed record TicketVersion(string System, string Key, string Environment, int Version, string Value, DateTimeOffset ChangedAt,
    string ChangedBy, ConfigurationOrigin ItemCreatedBy);

/// <summary>
/// The configuration inventory of each system: items and their versions. Reads are limited to the caller's scope (the
/// items of units in it); an item out of scope is as absent as one that does not exist.
/// </summary>
public sealed class ConfigurationStore(Database database, TimeProvider clock)
{
    private readonly ConfigurationSql _sql = new(database.Dialect);

    public Task<IReadOnlyList<ConfigurationItem>> PageAsync(string system, Actor actor, InventoryFilter filter, (string Environment, string Key)? after,
        int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<ConfigurationItem>>(async (connection, token) =>
            await ReadPageAsync(connection, system, actor, filter, after, limit, token), ct);

    /// <summary>Every item the filter selects, read a batch at a time (a connection is held only while a batch is read).</summary>
    public async IAsyncEnumerable<ConfigurationItem> StreamAsync(string system, Actor actor, InventoryFilter filter,
        [EnumeratorCancellation] CancellationToken ct)
    {
        const int batch = 1000;
        (string, string)? after = null;
        while (true)
        {
            var page = await PageAsync(system, actor, filter, after, batch, ct);
            foreach (var item in page) yield return item;
            if (page.Count < batch) yield break;
            after = (page[^1].Environment, page[^1].Key);
        }
    }

    private async Task<IReadOnlyList<ConfigurationItem>> ReadPageAsync(DbConnection connection, string system, Actor actor, InventoryFilter filter,
        (string Environment, string Key)? after, int limit, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var sql = _sql.Page(filter.Environment is not null, filter.KeyPrefix is not null, after is not null);
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(sql, new
        {
            System = system, From = from, To = to, filter.Environment,
            KeyPattern = filter.KeyPrefix is { } prefix ? EscapeLike(prefix) + "%" : null,
            AfterEnvironment = after?.Environment, AfterKey = after?.Key, Limit = limit,
        }, cancellationToken: ct));
        return rows.Select(r => r.ToItem()).ToList();
    }

    /// <summary>The item with every version (newest first), or null when there is none in the caller's scope.</summary>
    public Task<(ConfigurationItem Item, IReadOnlyList<ConfigurationVersion> Versions)?> FindAsync(string system, string environment, string key,
        Actor actor, CancellationToken ct) =>
        database.ReadAsync<(ConfigurationItem, IReadOnlyList<ConfigurationVersion>)?>(async (connection, token) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<ItemRow>(new CommandDefinition(ConfigurationSql.Item,
                new { System = system, Environment = environment, Key = key }, cancellationToken: token));
            if (row is null || !actor.CanSee(row.UnitPath)) return null;
            var versions = await connection.QueryAsync<VersionRow>(new CommandDefinition(ConfigurationSql.Versions, new { row.Id }, cancellationToken: token));
            return (row.ToItem(), versions.Select(v => v.ToVersion()).ToList());
        }, ct);

    /// <summary>Enters one item (and its first version); null when the system already has that key in that environment.</summary>
    public async Task<ConfigurationItem?> CreateAsync(BusinessSystem system, Unit unit, string? owner, NewItem item, Actor actor, long? ticketId,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        try
        {
            return await database.WriteAsync(async (connection, transaction, token) =>
            {
                var created = await InsertAsync(connection, transaction, system.Id, unit, owner, item, ConfigurationOrigin.Inventory, actor, ticketId, now, token);
                await PublishAsync(connection, transaction, system.Id, unit.Path, [created], ticketId, actor, now, token);
                return created;
            }, ct);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Enters every line of an import in one transaction, or none: returns the lines whose key the system already has (then
    /// nothing is entered). Lines are (line number, item).
    /// </summary>
    public Task<IReadOnlyList<int>> ImportAsync(BusinessSystem system, Unit unit, string? owner, IReadOnlyList<(int Line, NewItem Item)> lines,
        Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return database.WriteAsync<IReadOnlyList<int>>(async (connection, transaction, token) =>
        {
            var existing = (await connection.QueryAsync<(string Environment, string Key)>(new CommandDefinition(ConfigurationSql.KeysOfSystem,
                new { System = system.Id }, transaction, cancellationToken: token)))
                .Select(k => Identity(k.Environment, k.Key)).ToHashSet();
            var taken = lines.Where(l => existing.Contains(Identity(l.Item.Environment, l.Item.Key))).Select(l => l.Line).ToList();
            if (taken.Count > 0) return taken;
            foreach (var chunk in lines.Chunk(ConfigurationSql.ImportBatch))
            {
                var args = new DynamicParameters(new { SystemId = system.Id, UnitId = unit.Id, UnitPath = unit.Path, Owner = owner, At = now });
                for (var i = 0; i < chunk.Length; i++)
                {
                    var item = chunk[i].Item;
                    args.Add("Environment" + i, item.Environment);
                    args.Add("Key" + i, item.Key);
                    args.Add("Value" + i, item.Value);
                    args.Add("Description" + i, item.Description);
                }
                await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.ImportItems(chunk.Length), args, transaction, cancellationToken: token));
            }
            await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.FirstVersionsOfImport,
                new { System = system.Id, By = actor.UserId }, transaction, cancellationToken: token));
            await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent,
                TicketEvents.ConfigurationImport(system.Id, unit.Id, unit.Path, lines.Count, actor.UserId, now), transaction, cancellationToken: token));
            return [];
        }, ct);
    }

    /// <summary>
    /// Inside a resolving configuration change's transaction: writes each setting's new version (creating a key the system
    /// does not have, for the ticket's unit), tied to the ticket. Returns why it cannot (nothing of the change is then
    /// saved), or null.
    /// </summary>
    public async Task<TicketError?> ApplyChangeAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, IReadOnlyList<InventoryUpdate> updates,
        Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var written = new List<ConfigurationItem>();
        foreach (var update in updates)
        {
            var row = await connection.QuerySingleOrDefaultAsync<ItemRow>(new CommandDefinition(ConfigurationSql.Item,
                new { System = ticket.SystemId, update.Environment, update.Key }, transaction, cancellationToken: ct));
            if (row is null)
            {
                var unit = new Unit(ticket.UnitId, "", null, ticket.UnitPath);
                written.Add(await InsertAsync(connection, transaction, ticket.SystemId, unit, null,
                    new NewItem(update.Key, update.Environment, update.Value, null), ConfigurationOrigin.Change, actor, ticket.Id, now, ct));
                continue;
            }
            var item = row.ToItem();
            // The ticket decides which settings its change may touch (its system and unit), whoever resolves it: HQ resolving
            // an escalated JS change sees every province's settings but may change only JS's.
            if (!UnitPaths.IsWithin(item.UnitPath, ticket.UnitPath))
                // Neither the setting's unit nor more than that the key is taken: the resolver may not see it.
                return TicketError.Invalid($"inventory: {update.Key} in {update.Environment} is not a key the ticket may set for its unit ({ticket.UnitId}).");
            if (item.Value == update.Value)
                return TicketError.Invalid($"inventory: {update.Key} in {update.Environment} already has this value (version {item.Version}); " +
                                           "list only the settings the change altered.");
            var version = item.Version + 1;
            if (await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.UpdateValue,
                    new { item.Id, update.Value, Version = version, At = now }, transaction, cancellationToken: ct)) != 1)
                throw new InvalidOperationException($"Configuration item {item.Id} changed inside the transaction.");
            await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.InsertVersion,
                new { ItemId = item.Id, Version = version, update.Value, At = now, By = actor.UserId, TicketId = (long?)ticket.Id }, transaction, cancellationToken: ct));
            written.Add(item with { Value = update.Value, Version = version, UpdatedAt = now });
        }
        if (written.Count > 0) await PublishAsync(connection, transaction, ticket.SystemId, ticket.UnitPath, written, ticket.Id, actor, now, ct);
        return null;
    }

    public Task<IReadOnlyList<TicketVersion>> VersionsOfTicketAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<TicketVersion>>(async (connection, token) =>
            (await connection.QueryAsync<TicketVersionRow>(new CommandDefinition(ConfigurationSql.VersionsOfTicket, new { TicketId = ticketId },
                cancellationToken: token))).Select(r => r.ToVersion()).ToList(), ct);

    private async Task<ConfigurationItem> InsertAsync(DbConnection connection, DbTransaction transaction, string system, Unit unit, string? owner,
        NewItem item, ConfigurationOrigin origin, Actor actor, long? ticketId, DateTimeOffset now, CancellationToken ct)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertItem, new
        {
            SystemId = system, item.Environment, item.Key, UnitId = unit.Id, UnitPath = unit.Path, item.Value, item.Description, Owner = owner,
            CreatedBy = origin.ToString(), CreatedAt = now, UpdatedAt = now,
        }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.InsertVersion,
            new { ItemId = id, Version = 1, item.Value, At = now, By = actor.UserId, TicketId = ticketId }, transaction, cancellationToken: ct));
        return new ConfigurationItem(id, system, item.Environment, item.Key, unit.Id, unit.Path, item.Value, item.Description, owner, origin, now, now, 1);
    }

    /// <summary>
    /// One <c>configuration.changed</c> event per ticket that wrote versions (a configuration change's resolve, or an item
    /// entered with its ticket), per item entered without a ticket, and per import (<see cref="ImportAsync"/>).
    /// </summary>
    private static Task PublishAsync(DbConnection connection, DbTransaction transaction, string system, string unitPath,
        IReadOnlyList<ConfigurationItem> items, long? ticketId, Actor actor, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent,
            TicketEvents.ConfigurationChange(system, unitPath, items, ticketId, actor.UserId, now), transaction, cancellationToken: ct));

    /// <summary>Keys and environments compare without case on both databases.</summary>
    private static string Identity(string environment, string key) => environment.ToUpperInvariant() + "\n" + key.ToUpperInvariant();

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_").Replace("[", @"\[");

    private sealed class ItemRow
    {
        public long Id { get; init; }
        public string SystemId { get; init; } = "";
        public string Environment { get; init; } = "";
        public string Key { get; init; } = "";
        public string UnitId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string Value { get; init; } = "";
        public string? Description { get; init; }
        public string? Owner { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }

        public ConfigurationItem ToItem() => new(Id, SystemId, Environment, Key, UnitId, UnitPath, Value, Description, Owner,
            Enum.Parse<ConfigurationOrigin>(CreatedBy), CreatedAt, UpdatedAt, Version);
    }

    private sealed class VersionRow
    {
        public int Version { get; init; }
        public string Value { get; init; } = "";
        public DateTimeOffset ChangedAt { get; init; }
        public string ChangedBy { get; init; } = "";
        public long? TicketId { get; init; }

        public ConfigurationVersion ToVersion() => new(Version, Value, ChangedAt, ChangedBy, TicketId);
    }

    private sealed class TicketVersionRow
    {
        public string SystemId { get; init; } = "";
        public string Environment { get; init; } = "";
        public string Key { get; init; } = "";
        public int Version { get; init; }
        public string Value { get; init; } = "";
        public DateTimeOffset ChangedAt { get; init; }
        public string ChangedBy { get; init; } = "";
        public string ItemCreatedBy { get; init; } = "";

        public TicketVersion ToVersion() => new(SystemId, Key, Environment, Version, Value, ChangedAt, ChangedBy, Enum.Parse<ConfigurationOrigin>(ItemCreatedBy));
    }
}
