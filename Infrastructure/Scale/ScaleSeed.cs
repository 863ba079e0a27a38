using System.Threading.Channels;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Scale;

/// <summary>Ticket <paramref name="Id"/> repeats <paramref name="Life"/> <paramref name="Days"/> later, numbered and sequenced anew.</summary>
/// <param name="Fields">The search terms of its number, title, description and resolution.</param>
internal sealed record RepeatedLife(long Id, LifeToRepeat Life, int Days, string Number, long ChangeSequence, string Fields);

/// <summary>What a seed wrote.</summary>
/// <param name="Living">Time spent living the tickets through the domain and making their rows (one thread).</param>
/// <param name="Writing">Time spent writing them (another thread, at the same time).</param>
/// <param name="Lived">Tickets lived through the domain; the others repeat a lived one's life (<see cref="LivedTicket"/>).</param>
/// <param name="Copying">Of <paramref name="Writing"/>: copying the repeated lives inside the database.</param>
/// <param name="Indexing">Of <paramref name="Writing"/>: building the tables' non-unique indexes at the end.</param>
public sealed record ScaleSeedResult(long FirstId, long LastId, long HistoryEntries, long Comments, long Clocks, long Lived, TimeSpan Elapsed,
    TimeSpan Living, TimeSpan Writing, TimeSpan Copying, TimeSpan Indexing)
{
    public long Tickets => LastId - FirstId + 1;
}

/// <summary>
/// The benchmark seed: N tickets of the demo organisation's four provincial units (JS, JS-NJ, ZJ, ZJ-HZ), raised evenly
/// over the 52 weeks before <c>now</c>, or at <see cref="MostPerWeek"/> over as many weeks as they need (ids in time order,
/// as the service gives them). The first week's tickets are lived
/// through the domain in memory exactly as the service would change them — raised by the province's requester; triaged to
/// line 2 by its service desk; started, resolved and confirmed (or auto-closed when the confirmation window passed). One in
/// 25 is cancelled before triage, one in 100 is never resolved; a third get a requester's public comment, a fifth an
/// engineer's internal note. Clocks run as the policy in force says; open tickets' clocks are brought up to <c>now</c>
/// (warnings and breaches recorded, as the scheduler would have). Every later week repeats the first week's lives ticket
/// for ticket, moved by whole weeks (same weekday and hour, so the same clocks) under their own ids, numbers and titles
/// (<see cref="LivedTicket"/>); a ticket whose life is not over, or would reach past <c>now</c>, is lived instead. Written
/// by <see cref="BulkTicketWriter"/> with the search terms, history and clocks the stores write.
/// </summary>
public sealed class ScaleSeed(Database database)
{
    /// <summary>In the titles of <see cref="RareTickets"/> tickets spread over the store, whatever its size.</summary>
    public const string RareWord = "zebra";

    /// <summary>A rare word finds as many tickets in a small store as in a big one: a search for it is the same work at any size.</summary>
    public const int RareTickets = 10;

    /// <summary>In the title of one ticket in six.</summary>
    public const string CommonWord = "posting";

    private const int Batch = 2_000;

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>A store of up to about a million tickets holds a year of them; a bigger one more years at that rate.</summary>
    private const int MinWeeks = 52;

    /// <summary>
    /// At most this many tickets raised a week (about a million a year, the volume of a large enterprise's business
    /// applications): a bigger store is more years of history, not busier months, so a month's report reads as many tickets
    /// at ten million as at one million.
    /// </summary>
    public const int MostPerWeek = 20_000;

    private static readonly string[] Subjects =
    [
        "差旅报销单无法提交", "ERP 系统登录失败", "Invoice posting fails with 凭证过账报错", "打印机无法连接 printer offline",
        "账号权限申请 account access request", "报表数据不一致 report totals differ",
    ];

    private static readonly Category[] Categories =
        [Category.ApplicationProblem, Category.UserGuidance, Category.ApplicationProblem, Category.DataQualityIssue, Category.MasterData];

    private static readonly string[] PublicComments =
        ["仍然无法提交，请尽快处理 still failing after a restart", "已附上截图 screenshot attached", "Any news? 业务等着用"];

    private static readonly (ResolutionCode Code, string Text)[] Resolutions =
    [
        (ResolutionCode.Fixed, "Cleared the posting lock; 用户重新登录后正常"), (ResolutionCode.GuidanceGiven, "Explained the steps; 已指导用户操作"),
        (ResolutionCode.Workaround, "Workaround: submit from the web client; 临时方案已提供"),
    ];

    public async Task<ScaleSeedResult> SeedAsync(int tickets, DateTimeOffset now, CancellationToken ct, Action<long>? progress = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var slaStore = new SlaStore(database);
        await slaStore.EnsureDefaultsAsync(now, ct);
        var sla = await new SlaEngine(slaStore, TimeProvider.System).ContextAsync(null, ct);
        // The tickets before the seed are in the search index (as a start of the service makes sure), so it is whole after it.
        await new SearchIndex(database).IndexUnindexedAsync(ct);
        var (matrix, firstId, numbers, lastChange) = await database.ReadAsync(async (connection, token) =>
        {
            var cells = await connection.QueryAsync<(string Impact, string Urgency, string Priority)>(
                new CommandDefinition(ScaleSql.PriorityMatrix, cancellationToken: token));
            var last = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ScaleSql.LastTicketId, cancellationToken: token));
            var taken = await connection.QueryAsync<(string UnitId, long Year, long LastNumber)>(
                new CommandDefinition(ScaleSql.TicketNumbers, cancellationToken: token));
            var change = await connection.ExecuteScalarAsync<long?>(
                new CommandDefinition(ScaleSql.LastChange, cancellationToken: token));
            return (new PriorityMatrix(cells.Select(c => new PriorityMatrixCell(Enum.Parse<Impact>(c.Impact), Enum.Parse<Urgency>(c.Urgency),
                    Enum.Parse<Priority>(c.Priority)))),
                (last ?? 0) + 1, taken.ToDictionary(t => (t.UnitId, (int)t.Year), t => t.LastNumber), change ?? 0);
        }, ct);

        var life = new Life(sla, matrix, now, tickets, firstId, numbers, lastChange);
        // A batch holds, in id order, tickets lived through the domain (TicketRows) and tickets repeating a first-week life (RepeatedLife).
        var batches = Channel.CreateBounded<List<object>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        // The domain work on one core, the writing on the other.
        TimeSpan living = TimeSpan.Zero, writing = TimeSpan.Zero;
        long lived = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                var week = new LifeToRepeat[life.PerWeek];
                for (var i = 0; i < tickets; i += Batch)
                {
                    var batch = new List<object>(Batch);
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (var k = i; k < Math.Min(i + Batch, tickets); k++)
                    {
                        var (weeks, first) = Math.DivRem(k, life.PerWeek);
                        if (weeks == 0)
                        {
                            var seeded = life.Live(k, life.FirstWeek(k), k);
                            week[first] = LivedTicket.Life(seeded);
                            batch.Add(LivedTicket.Rows(seeded));
                            lived++;
                            continue;
                        }
                        var shift = weeks * Week;
                        var again = week[first];
                        if (life.MayRepeat(k, again, shift)) batch.Add(life.Repeat(k, again, weeks * 7));
                        else
                        {
                            batch.Add(LivedTicket.Rows(life.Live(k, again.CreatedAt + shift, first)));
                            lived++;
                        }
                    }
                    living += System.Diagnostics.Stopwatch.GetElapsedTime(started);
                    await batches.Writer.WriteAsync(batch, ct);
                }
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, ct);

        long history = 0, comments = 0, clocks = 0, written = 0;
        TimeSpan copying, indexing;
        await using (var writer = await BulkTicketWriter.OpenAsync(database, ct))
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var item in batch)
                {
                    if (item is TicketRows rows)
                    {
                        writer.Write(rows);
                        (history, comments, clocks) = (history + rows.History.Length, comments + rows.Comments.Length, clocks + rows.Clocks.Length);
                    }
                    else if (item is RepeatedLife again)
                    {
                        writer.Repeat(again);
                        (history, comments, clocks) = (history + again.Life.HistoryEntries, comments + again.Life.Comments, clocks + again.Life.Clocks);
                    }
                }
                writing += System.Diagnostics.Stopwatch.GetElapsedTime(started);
                written += batch.Count;
                progress?.Invoke(written);
            }
            await producer;
            var finishing = System.Diagnostics.Stopwatch.GetTimestamp();
            await writer.FinishAsync(life.Numbers, life.LastChange, firstId, firstId + tickets - 1, ct);
            writing += System.Diagnostics.Stopwatch.GetElapsedTime(finishing);
            (copying, indexing) = (writer.Copying, writer.Indexing);
        }
        return new ScaleSeedResult(firstId, firstId + tickets - 1, history, comments, clocks, lived, watch.Elapsed, living, writing, copying, indexing);
    }

    /// <summary>One ticket's life, from its index: everything varies deterministically with it.</summary>
    private sealed class Life(SlaContext sla, PriorityMatrix matrix, DateTimeOffset now, int total, long firstId,
        Dictionary<(string Unit, int Year), long> numbers, long lastChange)
    {
        private readonly Random _random = new(20261128);
        private readonly Province[] _provinces = [new("JS"), new("ZJ")];
        private readonly Dictionary<string, TimeZoneInfo> _zones = [];
        private readonly Dictionary<string, Unit> _units = [];
        private long _change = lastChange;

        /// <summary>The last number taken per unit and year, the seed's included.</summary>
        public IReadOnlyDictionary<(string Unit, int Year), long> Numbers => numbers;

        /// <summary>The last change sequence given.</summary>
        public long LastChange => _change;

        /// <summary>Tickets raised each week.</summary>
        public int PerWeek { get; } = Math.Min((int)Math.Ceiling(total / (double)MinWeeks), MostPerWeek);

        private DateTimeOffset Start => now - Math.Ceiling(total / (double)PerWeek) * Week;

        /// <summary>When the first week's ticket <paramref name="index"/> is raised: evenly through the week.</summary>
        public DateTimeOffset FirstWeek(int index) =>
            Start + TimeSpan.FromTicks(Week.Ticks / PerWeek * index) + TimeSpan.FromMilliseconds(_random.Next(1000));

        /// <summary>
        /// Whether ticket <paramref name="index"/> may repeat the first week's <paramref name="life"/> moved by
        /// <paramref name="shift"/>: the life is over and stays before now, and the title is the same (the rare word).
        /// </summary>
        public bool MayRepeat(int index, LifeToRepeat life, TimeSpan shift) =>
            life.Finished && life.LastAt + shift <= now && Subjects[life.Subject] + Rare(index) == life.Title;

        /// <summary>The first week's <paramref name="life"/> <paramref name="days"/> later, as ticket <paramref name="index"/>.</summary>
        public RepeatedLife Repeat(int index, LifeToRepeat life, int days)
        {
            var number = Number(_units[life.UnitId], life.CreatedAt + TimeSpan.FromDays(days));
            return new RepeatedLife(firstId + index, life, days, number, ++_change, SearchIndex.FieldTerms(number, life.TextTerms.Split(' ')));
        }

        private string Rare(int index) => index % Math.Max(total / RareTickets, 8) == 7 ? " " + RareWord : "";

        /// <summary>The next number of the unit in the year (of its time zone) the ticket is raised in.</summary>
        private string Number(Unit unit, DateTimeOffset created)
        {
            var zone = _zones.TryGetValue(unit.Path, out var z) ? z : _zones[unit.Path] = sla.TimeZoneOf(unit.Path);
            var year = TimeZoneInfo.ConvertTime(created, zone).Year;
            var sequence = numbers[(unit.Id, year)] = numbers.GetValueOrDefault((unit.Id, year)) + 1;
            return $"{unit.Id}-{year}-{sequence:D6}";
        }

        /// <summary>
        /// Lives ticket <paramref name="index"/>, raised at <paramref name="created"/>, with the life of the first week's ticket
        /// <paramref name="shape"/>: its unit, system, category, subject, and whether it is cancelled, never resolved, commented.
        /// </summary>
        public SeededTicket Live(int index, DateTimeOffset created, int shape)
        {
            var random = _random;
            var province = _provinces[shape % 2];
            var unit = shape % 4 < 2 ? province.Unit : province.Branch;
            _units.TryAdd(unit.Id, unit);
            var system = province.Systems[shape / 4 % 4];
            var subject = shape % Subjects.Length;
            var title = Subjects[subject] + Rare(index);
            var description = $"Seen by user {index % 5000} in branch {index % 97}; 第{index % 31}次出现，请尽快处理。Steps to reproduce: open {system.Id}, submit, error {index % 1000}.";
            var (ticket, refused) = Domain.Tickets.Ticket.Raise(
                new TicketRequest(title, description, Categories[shape / 16 % Categories.Length], (Impact)random.Next(3), (Urgency)random.Next(3)),
                province.Requester, unit, system, matrix, created);
            if (ticket is null) throw new InvalidOperationException($"The seed's ticket {index} was refused: {refused}");

            ticket.UnderSlaPolicy(sla.Policy.Version);
            ticket.Identify(firstId + index, Number(unit, created));
            var clocks = sla.StartClocks(ticket).ToList();
            ticket.ShowSla(clocks);
            var version = 1;
            var comments = new List<SeededComment>();

            // The timeline; a step happens only if its time has come.
            var triaged = created + TimeSpan.FromMinutes(5 + random.Next(175));
            var started = triaged + TimeSpan.FromMinutes(5 + random.Next(115));
            var resolved = started + TimeSpan.FromMinutes(30 + random.Next(random.Next(2) == 0 ? 600 : 4000));
            var confirmed = resolved + TimeSpan.FromHours(1 + random.Next(40));
            var steps = new List<(DateTimeOffset At, Func<DateTimeOffset, TicketError?> Do, TicketAction? Action)>();
            if (shape % 25 == 3)
                steps.Add((created + TimeSpan.FromMinutes(1 + random.Next(4)), at => ticket.Cancel(province.Requester, at, "Raised twice; 重复提交"), TicketAction.Cancel));
            else
            {
                var line2 = ticket.Category is Category.UserGuidance or Category.MasterData ? province.Business : province.SystemGroup;
                steps.Add((triaged, at => ticket.Triage(province.ServiceDesk, at, ticket.Category, ticket.Impact, ticket.Urgency, line2,
                    province.Assignee, matrix, null), TicketAction.Triage));
                steps.Add((started, at => ticket.Start(province.Engineer, at, null), TicketAction.Start));
                if (shape % 100 != 11)
                {
                    var (code, text) = Resolutions[shape % Resolutions.Length];
                    steps.Add((resolved, at => ticket.Resolve(province.Engineer, at, code, text, sla.ConfirmationDue(at), Implementation.None),
                        TicketAction.Resolve));
                    steps.Add((confirmed, at => ticket.ConfirmationDue is { } due && due < at
                        ? ticket.AutoClose(due)
                        : ticket.ConfirmResolution(province.Requester, at, new Confirmation(null, 3 + shape % 3, null)), TicketAction.Confirm));
                }
                if (shape % 3 == 0)
                    steps.Add((triaged + TimeSpan.FromMinutes(1 + random.Next(60)), at => Comment(at, province.Requester, CommentVisibility.Public,
                        PublicComments[shape / 3 % PublicComments.Length]), null));
                if (shape % 5 == 0)
                    steps.Add((started + TimeSpan.FromMinutes(1 + random.Next(20)), at => Comment(at, province.Engineer, CommentVisibility.Internal,
                        $"Root cause: posting lock of user {index % 5000}; 已联系厂商"), null));
                steps.Sort((a, b) => a.At.CompareTo(b.At));
            }
            foreach (var (at, step, action) in steps)
            {
                if (at > now) break;
                var from = ticket.Status;
                if (step(at) is not null) continue;
                if (action is null) continue;
                version++;
                // An auto-close happens at the confirmation deadline, as the scheduler does it.
                sla.OnChange(ticket, ticket.Status == TicketStatus.Closed && ticket.Outcome == ClosureOutcome.AutoClosed ? TicketAction.AutoClose : action.Value,
                    from, clocks, ticket.UpdatedAt);
            }
            if (ticket.Status is not (TicketStatus.Closed or TicketStatus.Cancelled) && sla.Tick(ticket, clocks, now).Escalated) version++;
            ticket.ShowSla(clocks);
            var history = ticket.Changes.ToList();
            ticket.Sequenced(++_change);
            ticket.Saved(version);
            return new SeededTicket(ticket, history, clocks, comments, subject);

            TicketError? Comment(DateTimeOffset at, Actor by, CommentVisibility visibility, string body)
            {
                var error = ticket.Comment(by, at, visibility, body);
                if (error is null) comments.Add(new SeededComment(at, by.UserId, visibility, body));
                return error;
            }
        }
    }

    /// <summary>A province of the demo organisation: its units, systems, support groups and one user per role.</summary>
    private sealed class Province
    {
        public Province(string id)
        {
            var path = $"/HQ/{id}/";
            Unit = new Unit(id, id, "HQ", path);
            Branch = new Unit($"{id}-{(id == "JS" ? "NJ" : "HZ")}", id, id, $"{path}{id}-{(id == "JS" ? "NJ" : "HZ")}/");
            Systems = [.. new[] { "ERP", "HR", "ESB" }.Select(s => new BusinessSystem(s, s, "HQ", "/HQ/", null)), new BusinessSystem($"{id}-MKT", id, id, path, null)];
            SystemGroup = new SupportGroup($"{id}-L2SYS", "system O&M", id, path, SupportLine.Line2System);
            Business = new SupportGroup($"{id}-L2BIZ", "business O&M", id, path, SupportLine.Line2Business);
            var user = id.ToLowerInvariant();
            Requester = new Actor($"{user}-requester", "requester", id, path, new HashSet<Role> { Role.Requester }, new HashSet<string>());
            ServiceDesk = new Actor($"{user}-servicedesk", "service desk", id, path, new HashSet<Role> { Role.ServiceDesk }, new HashSet<string> { $"{id}-L1" });
            var groups = new HashSet<string> { SystemGroup.Id, Business.Id };
            Engineer = new Actor($"{user}-engineer", "engineer", id, path, new HashSet<Role> { Role.Engineer }, groups);
            Assignee = new Assignee(Engineer.UserId, groups);
        }

        public Unit Unit { get; }
        public Unit Branch { get; }
        public BusinessSystem[] Systems { get; }
        public SupportGroup SystemGroup { get; }
        public SupportGroup Business { get; }
        public Actor Requester { get; }
        public Actor ServiceDesk { get; }
        public Actor Engineer { get; }
        public Assignee Assignee { get; }
    }
}
