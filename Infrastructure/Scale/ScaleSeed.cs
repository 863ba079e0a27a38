using System.Threading.Channels;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Scale;

/// <summary>What a seed wrote.</summary>
/// <param name="Living">Time spent living the tickets through the domain and making their rows (one thread).</param>
/// <param name="Writing">Time spent writing them (another thread, at the same time).</param>
public sealed record ScaleSeedResult(long FirstId, long LastId, long HistoryEntries, long Comments, long Clocks, TimeSpan Elapsed, TimeSpan Living, TimeSpan Writing)
{
    public long Tickets => LastId - FirstId + 1;
}

/// <summary>
/// The benchmark seed: N tickets of the demo organisation's four provincial units (JS, JS-NJ, ZJ, ZJ-HZ), raised evenly
/// over the year before <c>now</c> (ids in time order, as the service gives them), each lived through the domain in
/// memory exactly as the service would change it — raised by the province's requester; triaged to line 2 by its service
/// desk; started, resolved and confirmed (or auto-closed when the confirmation window passed) — as far as its timeline
/// reaches <c>now</c>. One in 25 is cancelled before triage, one in 100 is never resolved; a third get a requester's
/// public comment, a fifth an engineer's internal note. Clocks run as the policy in force says; open tickets' clocks are
/// brought up to <c>now</c> (warnings and breaches recorded, as the scheduler would have). Written by
/// <see cref="BulkTicketWriter"/> with the search terms, history and clocks the stores write.
/// </summary>
public sealed class ScaleSeed(Database database)
{
    /// <summary>In the title of one ticket in 10,000.</summary>
    public const string RareWord = "zebra";

    /// <summary>In the title of one ticket in six.</summary>
    public const string CommonWord = "posting";

    private const int Batch = 5_000;

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
        var batches = Channel.CreateBounded<List<TicketRows>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        // The domain work on one core, the writing on the other.
        TimeSpan living = TimeSpan.Zero, writing = TimeSpan.Zero;
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < tickets; i += Batch)
                {
                    var batch = new List<TicketRows>(Batch);
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (var k = i; k < Math.Min(i + Batch, tickets); k++) batch.Add(BulkTicketWriter.Rows(life.Ticket(k)));
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
        await using (var writer = await BulkTicketWriter.OpenAsync(database, ct))
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                writer.Write(batch);
                writing += System.Diagnostics.Stopwatch.GetElapsedTime(started);
                foreach (var t in batch) (history, comments, clocks) = (history + t.History.Length, comments + t.Comments.Length, clocks + t.Clocks.Length);
                written += batch.Count;
                progress?.Invoke(written);
            }
            await producer;
            await writer.FinishAsync(ct);
        }
        return new ScaleSeedResult(firstId, firstId + tickets - 1, history, comments, clocks, watch.Elapsed, living, writing);
    }

    /// <summary>One ticket's life, from its index: everything varies deterministically with it.</summary>
    private sealed class Life(SlaContext sla, PriorityMatrix matrix, DateTimeOffset now, int total, long firstId,
        Dictionary<(string Unit, int Year), long> numbers, long lastChange)
    {
        private static readonly TimeSpan Year = TimeSpan.FromDays(365);
        private readonly DateTimeOffset _start = now - Year;
        private readonly Random _random = new(20261128);
        private readonly Province[] _provinces = [new("JS"), new("ZJ")];
        private readonly Dictionary<string, TimeZoneInfo> _zones = [];
        private long _change = lastChange;

        public SeededTicket Ticket(int index)
        {
            var random = _random;
            var province = _provinces[index % 2];
            var unit = index % 4 < 2 ? province.Unit : province.Branch;
            var system = province.Systems[index / 4 % 4];
            var subject = index % Subjects.Length;
            var title = Subjects[subject] + (index % 10_000 == 7 ? " " + RareWord : "");
            var description = $"Seen by user {index % 5000} in branch {index % 97}; 第{index % 31}次出现，请尽快处理。Steps to reproduce: open {system.Id}, submit, error {index % 1000}.";
            var created = _start + TimeSpan.FromTicks(Year.Ticks / total * index) + TimeSpan.FromMilliseconds(random.Next(1000));
            var (ticket, refused) = Domain.Tickets.Ticket.Raise(
                new TicketRequest(title, description, Categories[index / 16 % Categories.Length], (Impact)random.Next(3), (Urgency)random.Next(3)),
                province.Requester, unit, system, matrix, created);
            if (ticket is null) throw new InvalidOperationException($"The seed's ticket {index} was refused: {refused}");

            var zone = _zones.TryGetValue(unit.Path, out var z) ? z : _zones[unit.Path] = sla.TimeZoneOf(unit.Path);
            var year = TimeZoneInfo.ConvertTime(created, zone).Year;
            var sequence = numbers[(unit.Id, year)] = numbers.GetValueOrDefault((unit.Id, year)) + 1;
            ticket.UnderSlaPolicy(sla.Policy.Version);
            ticket.Identify(firstId + index, $"{unit.Id}-{year}-{sequence:D6}");
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
            if (index % 25 == 3)
                steps.Add((created + TimeSpan.FromMinutes(1 + random.Next(4)), at => ticket.Cancel(province.Requester, at, "Raised twice; 重复提交"), TicketAction.Cancel));
            else
            {
                var line2 = ticket.Category is Category.UserGuidance or Category.MasterData ? province.Business : province.SystemGroup;
                steps.Add((triaged, at => ticket.Triage(province.ServiceDesk, at, ticket.Category, ticket.Impact, ticket.Urgency, line2,
                    province.Assignee, matrix, null), TicketAction.Triage));
                steps.Add((started, at => ticket.Start(province.Engineer, at, null), TicketAction.Start));
                if (index % 100 != 11)
                {
                    var (code, text) = Resolutions[index % Resolutions.Length];
                    steps.Add((resolved, at => ticket.Resolve(province.Engineer, at, code, text, sla.ConfirmationDue(at), Implementation.None),
                        TicketAction.Resolve));
                    steps.Add((confirmed, at => ticket.ConfirmationDue is { } due && due < at
                        ? ticket.AutoClose(due)
                        : ticket.ConfirmResolution(province.Requester, at, new Confirmation(null, 3 + index % 3, null)), TicketAction.Confirm));
                }
                if (index % 3 == 0)
                    steps.Add((triaged + TimeSpan.FromMinutes(1 + random.Next(60)), at => Comment(at, province.Requester, CommentVisibility.Public,
                        PublicComments[index / 3 % PublicComments.Length]), null));
                if (index % 5 == 0)
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
            return new SeededTicket(ticket, history, clocks, comments);

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
