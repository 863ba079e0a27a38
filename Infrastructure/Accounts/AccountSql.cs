using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Accounts;

/// <summary>Filters of the account register; each optional one adds a condition.</summary>
[Flags]
public enum AccountFilters { None = 0, Status = 1, Department = 2, Dormant = 4, After = 8 }

[Flags]
public enum ReviewFilters { None = 0, System = 1, State = 2, Before = 4 }

/// <summary>Every statement about the account register and access reviews.</summary>
public sealed class AccountSql(SqlDialect dialect)
{
    public const string Columns =
        "Id, SystemId, Login, Holder, UserId, UnitId, UnitPath, Department, Roles, Status, LastUsedAt, CreatedAt, UpdatedAt";

    private const string InScope = "UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo";

    public string Insert { get; } = dialect.InsertReturningId("Accounts",
        "SystemId, Login, Holder, UserId, UnitId, UnitPath, Department, Roles, Status, LastUsedAt, IdleSince, CreatedAt, UpdatedAt",
        "@SystemId, @Login, @Holder, @UserId, @UnitId, @UnitPath, @Department, @Roles, @Status, @LastUsedAt, @IdleSince, @CreatedAt, @UpdatedAt");

    /// <summary>The import's insert, prepared once and run per account.</summary>
    public const string InsertImported = """
        INSERT INTO Accounts (SystemId, Login, Holder, UserId, UnitId, UnitPath, Department, Roles, Status, LastUsedAt, IdleSince, CreatedAt, UpdatedAt)
        VALUES (@SystemId, @Login, @Holder, @UserId, @UnitId, @UnitPath, @Department, @Roles, @Status, @LastUsedAt, @IdleSince, @CreatedAt, @UpdatedAt)
        """;

    public const string LastAccountId = "SELECT COALESCE(MAX(Id), 0) FROM Accounts";

    /// <summary>One Import entry per account the import stored (those after the last id before it).</summary>
    public const string InsertImportHistory = """
        INSERT INTO AccountHistory (AccountId, At, ActorId, Change, Role, Details, TicketId)
        SELECT Id, @At, @ActorId, 'Import', NULL, '{}', NULL FROM Accounts WHERE SystemId = @SystemId AND Id > @After
        """;

    public const string Update =
        "UPDATE Accounts SET Holder = @Holder, Department = @Department, Roles = @Roles, Status = @Status, UpdatedAt = @UpdatedAt WHERE Id = @Id";

    public const string ByLogins = $"SELECT {Columns} FROM Accounts WHERE SystemId = @SystemId AND Login IN @logins";

    public const string Get = $"SELECT {Columns} FROM Accounts WHERE SystemId = @SystemId AND Login = @Login AND {InScope}";

    public const string InsertHistory = """
        INSERT INTO AccountHistory (AccountId, At, ActorId, Change, Role, Details, TicketId)
        VALUES (@AccountId, @At, @ActorId, @Change, @Role, @Details, @TicketId)
        """;

    public const string History =
        "SELECT Id, At, ActorId, Change, Role, Details, TicketId FROM AccountHistory WHERE AccountId = @AccountId ORDER BY Id";

    /// <summary>A later use than the one recorded moves the idle period on, and a dormant account may be notified again later.</summary>
    public const string LastUsed = """
        UPDATE Accounts SET LastUsedAt = @At, IdleSince = @At, DormantNotifiedAt = NULL
        WHERE SystemId = @SystemId AND Login = @Login AND UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo
          AND (LastUsedAt IS NULL OR LastUsedAt < @At)
        """;

    public const string Exists = $"SELECT COUNT(*) FROM Accounts WHERE SystemId = @SystemId AND Login = @Login AND {InScope}";

    /// <summary>
    /// Keyset pages in login order on the (SystemId, Login) key; the scope and filters are residual conditions. Dormant
    /// accounts are listed longest idle first, (IdleSince, Login), on IX_Accounts_Idle: the page seeks to its cursor and reads
    /// only dormant accounts, where login order would walk past every account used since the cutoff.
    /// </summary>
    public string List(AccountFilters filters, int? limit)
    {
        var dormant = filters.HasFlag(AccountFilters.Dormant);
        var after = !filters.HasFlag(AccountFilters.After) ? ""
            : !dormant ? " AND Login > @After"
            // SQLite seeks a row value; SQL Server has none, and seeks IdleSince >= @AfterIdle with the rest as a residual.
            : dialect.Provider == DatabaseProvider.Sqlite ? " AND (IdleSince, Login) > (@AfterIdle, @After)"
            : " AND (IdleSince > @AfterIdle OR (IdleSince = @AfterIdle AND Login > @After))";
        var sql = $"SELECT {Columns} FROM Accounts WHERE SystemId = @SystemId AND {InScope}" +
                  (filters.HasFlag(AccountFilters.Status) ? " AND Status = @Status" : "") +
                  (filters.HasFlag(AccountFilters.Department)
                      // SQL Server's collation ignores case; SQLite compares exactly unless told.
                      ? " AND Department = @Department" + (dialect.Provider == DatabaseProvider.Sqlite ? " COLLATE NOCASE" : "")
                      : "") +
                  (dormant ? " AND Status = 'Active' AND IdleSince <= @Cutoff" : "") +
                  after +
                  (dormant ? " ORDER BY IdleSince, Login" : " ORDER BY Login");
        return limit is { } rows ? dialect.Limit(sql, rows.ToString(System.Globalization.CultureInfo.InvariantCulture)) : sql;
    }

    public string DormantDue { get; } = dialect.Limit(
        "SELECT Id, SystemId, Login, UnitPath FROM Accounts WHERE Status = 'Active' AND DormantNotifiedAt IS NULL AND IdleSince <= @Cutoff ORDER BY IdleSince",
        "@Limit");

    public const string MarkDormantNotified = "UPDATE Accounts SET DormantNotifiedAt = @Now WHERE Id = @Id AND DormantNotifiedAt IS NULL";

    public const string ReviewColumns =
        "Id, SystemId, UnitId, UnitPath, Department, State, DueBy, Period, OpenedAt, OpenedBy, CompletedAt, OverdueAt";

    public string InsertReview { get; } = dialect.InsertReturningId("AccessReviews",
        "SystemId, UnitId, UnitPath, Department, State, DueBy, Period, OpenedAt, OpenedBy",
        "@SystemId, @UnitId, @UnitPath, @Department, 'Open', @DueBy, @Period, @OpenedAt, @OpenedBy");

    /// <summary>One item per Active account of the system in the review's unit subtree, with its roles as they are now.</summary>
    public const string InsertReviewItems = """
        INSERT INTO AccessReviewItems (ReviewId, AccountId, Login, Holder, Roles)
        SELECT @ReviewId, Id, Login, Holder, Roles FROM Accounts
        WHERE SystemId = @SystemId AND Status = 'Active' AND UnitPath >= @From AND UnitPath < @To
        """;

    public const string ActiveInSubtree =
        "SELECT COUNT(*) FROM Accounts WHERE SystemId = @SystemId AND Status = 'Active' AND UnitPath >= @From AND UnitPath < @To";

    public const string GetReview = $"SELECT {ReviewColumns} FROM AccessReviews WHERE Id = @Id AND {InScope}";

    public string ListReviews(ReviewFilters filters, int limit) => dialect.Limit(
        $"SELECT {ReviewColumns} FROM AccessReviews WHERE {InScope}" +
        (filters.HasFlag(ReviewFilters.System) ? " AND SystemId = @SystemId" : "") +
        (filters.HasFlag(ReviewFilters.State) ? " AND State = @State" : "") +
        (filters.HasFlag(ReviewFilters.Before) ? " AND Id < @Before" : "") +
        " ORDER BY Id DESC", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public const string ReviewItems = """
        SELECT AccountId, Login, Holder, Roles, Decision, Comment, DecidedBy, DecidedAt, TicketId FROM AccessReviewItems
        WHERE ReviewId = @ReviewId ORDER BY Login
        """;

    public const string Decide = """
        UPDATE AccessReviewItems SET Decision = @Decision, Comment = @Comment, DecidedBy = @DecidedBy, DecidedAt = @DecidedAt
        WHERE ReviewId = @ReviewId AND AccountId = @AccountId AND Decision IS NULL
        """;

    public const string LinkTicket = "UPDATE AccessReviewItems SET TicketId = @TicketId WHERE ReviewId = @ReviewId AND AccountId = @AccountId";

    public const string Complete = """
        UPDATE AccessReviews SET State = 'Completed', CompletedAt = @Now
        WHERE Id = @Id AND State IN ('Open', 'Overdue')
          AND NOT EXISTS (SELECT 1 FROM AccessReviewItems WHERE ReviewId = @Id AND Decision IS NULL)
        """;

    public string OverdueDue { get; } = dialect.Limit(
        $"SELECT {ReviewColumns} FROM AccessReviews WHERE State = 'Open' AND DueBy < @Now ORDER BY DueBy", "@Limit");

    public const string MarkOverdue = "UPDATE AccessReviews SET State = 'Overdue', OverdueAt = @Now WHERE Id = @Id AND State = 'Open'";

    /// <summary>Revokes recorded whose ticket was not raised (a crash in between): the next pass raises them.</summary>
    public string RevokesOwingTicket { get; } = dialect.Limit(
        "SELECT ReviewId, AccountId FROM AccessReviewItems WHERE Decision = 'Revoke' AND TicketId IS NULL ORDER BY ReviewId", "@Limit");

    /// <summary>Where each system is owned: a scheduled quarter opens one review per owner entry.</summary>
    public const string OwnerUnits = "SELECT o.SystemId, o.UnitId, u.Path AS UnitPath FROM SystemOwners o JOIN Units u ON u.Id = o.UnitId ORDER BY o.SystemId, u.Path";

    public const string PeriodExists = "SELECT COUNT(*) FROM AccessReviews WHERE SystemId = @SystemId AND UnitId = @UnitId AND Period = @Period";

    public IEnumerable<string> All()
    {
        yield return Insert;
        yield return InsertImported;
        yield return LastAccountId;
        yield return InsertImportHistory;
        yield return Update;
        yield return ByLogins;
        yield return Get;
        yield return InsertHistory;
        yield return History;
        yield return LastUsed;
        yield return Exists;
        yield return List(AccountFilters.None, 26);
        yield return List(Enum.GetValues<AccountFilters>().Aggregate((a, b) => a | b), 26);
        yield return List(AccountFilters.Dormant, null);
        yield return List(AccountFilters.Dormant | AccountFilters.After, 26);
        yield return DormantDue;
        yield return MarkDormantNotified;
        yield return InsertReview;
        yield return InsertReviewItems;
        yield return GetReview;
        yield return ListReviews(ReviewFilters.None, 26);
        yield return ListReviews(ReviewFilters.System | ReviewFilters.State | ReviewFilters.Before, 26);
        yield return ReviewItems;
        yield return Decide;
        yield return LinkTicket;
        yield return Complete;
        yield return OverdueDue;
        yield return MarkOverdue;
        yield return RevokesOwingTicket;
        yield return OwnerUnits;
        yield return PeriodExists;
    }
}
