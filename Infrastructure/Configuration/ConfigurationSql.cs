using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Configuration;

/// <summary>Every statement of the configuration inventory, for one dialect.</summary>
public sealed class ConfigurationSql(SqlDialect dialect)
{
    private const string ItemColumns = """
        Id, SystemId, Environment, ItemKey AS "Key", UnitId, UnitPath, Value, Description, OwnerGroup AS Owner, CreatedBy, CreatedAt,
        UpdatedAt, Version
        """;

    /// <summary>
    /// A page of a system's items in the caller's scope (@From, @To: a unit subtree's path range), in (environment, key)
    /// order after the cursor's position; optionally in one environment and under a key prefix (a LIKE pattern, \ escapes).
    /// </summary>
    public string Page(bool environment, bool keyPrefix, bool after) => dialect.Limit(
        $"SELECT {ItemColumns} FROM ConfigurationItems WHERE SystemId = @System AND UnitPath >= @From AND UnitPath < @To" +
        (environment ? " AND Environment = @Environment" : "") +
        (keyPrefix ? @" AND ItemKey LIKE @KeyPattern ESCAPE '\'" : "") +
        (after ? After(environment) : "") +
        " ORDER BY Environment, ItemKey", "@Limit");

    /// <summary>
    /// The rows after the cursor, as an index range: within one environment the key alone; across environments a row value
    /// on SQLite, and on SQL Server (which has none) a bound on the environment with the rest of the condition checked.
    /// </summary>
    private string After(bool oneEnvironment) =>
        oneEnvironment ? " AND ItemKey > @AfterKey"
        : dialect.Provider == DatabaseProvider.Sqlite ? " AND (Environment, ItemKey) > (@AfterEnvironment, @AfterKey)"
        : " AND Environment >= @AfterEnvironment AND (Environment > @AfterEnvironment OR ItemKey > @AfterKey)";

    /// <summary>Rows of an import per statement: 12 parameters each stay under SQL Server's 2,100.</summary>
    public const int ImportBatch = 100;

    /// <summary>Up to <see cref="ImportBatch"/> imported rows in one statement (parameters suffixed with the row's index).</summary>
    public static string ImportItems(int rows) =>
        "INSERT INTO ConfigurationItems (SystemId, Environment, ItemKey, UnitId, UnitPath, Value, Description, OwnerGroup, CreatedBy, CreatedAt, UpdatedAt, Version) VALUES " +
        string.Join(", ", Enumerable.Range(0, rows).Select(i =>
            $"(@SystemId, @Environment{i}, @Key{i}, @UnitId, @UnitPath, @Value{i}, @Description{i}, @Owner, 'Inventory', @At, @At, 1)"));

    public const string Item = $"SELECT {ItemColumns} FROM ConfigurationItems WHERE SystemId = @System AND Environment = @Environment AND ItemKey = @Key";

    public const string Versions = """
        SELECT Version, Value, ChangedAt, ChangedBy, TicketId FROM ConfigurationVersions WHERE ItemId = @Id ORDER BY Version DESC
        """;

    /// <summary>The keys a system already has (an import refuses to enter them again).</summary>
    public const string KeysOfSystem = """SELECT Environment, ItemKey AS "Key" FROM ConfigurationItems WHERE SystemId = @System""";

    public string InsertItem { get; } = dialect.InsertReturningId("ConfigurationItems",
        "SystemId, Environment, ItemKey, UnitId, UnitPath, Value, Description, OwnerGroup, CreatedBy, CreatedAt, UpdatedAt, Version",
        "@SystemId, @Environment, @Key, @UnitId, @UnitPath, @Value, @Description, @Owner, @CreatedBy, @CreatedAt, @UpdatedAt, 1");


    /// <summary>The first version of every item of the system that has none yet (the rows an import just entered).</summary>
    public const string FirstVersionsOfImport = """
        INSERT INTO ConfigurationVersions (ItemId, Version, Value, ChangedAt, ChangedBy, TicketId)
        SELECT i.Id, 1, i.Value, i.CreatedAt, @By, NULL FROM ConfigurationItems i
        WHERE i.SystemId = @System AND NOT EXISTS (SELECT 1 FROM ConfigurationVersions v WHERE v.ItemId = i.Id)
        """;

    public const string InsertVersion = """
        INSERT INTO ConfigurationVersions (ItemId, Version, Value, ChangedAt, ChangedBy, TicketId) VALUES (@ItemId, @Version, @Value, @At, @By, @TicketId)
        """;

    /// <summary>A new value, unless the item changed meanwhile (then nothing is updated).</summary>
    public const string UpdateValue = """
        UPDATE ConfigurationItems SET Value = @Value, Version = @Version, UpdatedAt = @At WHERE Id = @Id AND Version = @Version - 1
        """;

    /// <summary>Demo data: an item seeded with its earlier values.</summary>
    public const string SetVersion = "UPDATE ConfigurationItems SET Version = @Version WHERE Id = @Id";

    /// <summary>The versions a ticket wrote, with their item.</summary>
    public const string VersionsOfTicket = """
        SELECT i.SystemId, i.Environment, i.ItemKey AS "Key", v.Version, v.Value, v.ChangedAt, v.ChangedBy, i.CreatedBy AS ItemCreatedBy
        FROM ConfigurationVersions v JOIN ConfigurationItems i ON i.Id = v.ItemId
        WHERE v.TicketId = @TicketId
        ORDER BY i.Environment, i.ItemKey
        """;

    public IEnumerable<string> All() =>
    [
        Page(false, false, false), Page(true, true, true), Page(false, false, true), ImportItems(3), Item, Versions, KeysOfSystem, InsertItem, FirstVersionsOfImport,
        InsertVersion, UpdateValue, SetVersion, VersionsOfTicket,
    ];
}
