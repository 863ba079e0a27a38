using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Tickets;

/// <summary>History and comments come in pages like the ticket list; comments per caller and ticket are limited per minute.</summary>
[TestFixture]
public sealed class HistoryAndCommentPagingTests
{
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start() => _given = new Given(_app = new ItsmApp(new Dictionary<string, string?> { ["Tickets:CommentsPerMinute"] = "3" }));

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
    }

    private async Task CommentAsync(TicketClient who, long id, string body) =>
        await TicketClient.ExpectAsync(await who.Http.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body }), HttpStatusCode.Created);

    [Test]
    public async Task Comments_InPagesOfLimit_ComeOldestFirstAndTheCursorLeadsThroughAll()
    {
        var ticket = await _given.Requester.CreateAsync();
        for (var i = 1; i <= 5; i++)
        {
            await CommentAsync(_given.Requester, ticket.Id, $"comment {i}");
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var bodies = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _given.Engineer.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            bodies.AddRange(page["items"]!.AsArray().Select(c => c!["body"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.That(bodies, Is.EqualTo(Enumerable.Range(1, 5).Select(i => $"comment {i}")));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task History_WithoutLimit_ReturnsAtMost100EntriesAndACursor()
    {
        var ticket = await _given.Requester.CreateAsync();
        for (var i = 0; i < 105; i++)
        {
            await CommentAsync(i % 2 == 0 ? _given.Requester : _given.ServiceDesk, ticket.Id, $"note {i}");
            if (i % 6 == 5) _app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history");
        var second = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history?cursor={first["nextCursor"]!.GetValue<string>()}");

        Assert.That(first["items"]!.AsArray(), Has.Count.EqualTo(100));
        Assert.That(first["items"]![0]!["action"]!.GetValue<string>(), Is.EqualTo("request"), "oldest first");
        Assert.That(second["items"]!.AsArray(), Has.Count.EqualTo(6), "105 comments and the request");
        Assert.That(second["nextCursor"], Is.Null);
    }

    [TestCase("history", "limit=201")]
    [TestCase("history", "limit=0")]
    [TestCase("comments", "cursor=bm9wZQ")]
    [TestCase("comments", "cursor=dDE6NQ")]
    public async Task Paging_WithABadLimitOrCursor_Is400(string list, string query)
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await _given.Requester.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/{list}?{query}"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Comment_BeyondTheLimitPerMinute_Is429WithRetryAfterAndAddsNothing()
    {
        var ticket = await _given.Requester.CreateAsync();
        await CommentAsync(_given.Requester, ticket.Id, "one");
        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        await CommentAsync(_given.Requester, ticket.Id, "two");
        await CommentAsync(_given.Requester, ticket.Id, "three");

        var refused = await _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "four" });

        var problem = await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.That(problem["type"]!.GetValue<string>(), Does.EndWith("too-many-comments"));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(40)), "until the first comment leaves the minute");
        Assert.That((await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray(), Has.Count.EqualTo(3));
        await CommentAsync(_given.ServiceDesk, ticket.Id, "another caller is not limited by the requester's comments");
        _app.Clock.Advance(TimeSpan.FromSeconds(40));
        await CommentAsync(_given.Requester, ticket.Id, "four, a minute after the first");
    }

    [Test]
    public async Task Comments_SentInParallel_StillStopAtTheLimit()
    {
        var ticket = await _given.Requester.CreateAsync();

        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = $"parallel {i}" })));

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.Created), Is.EqualTo(3));
        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests), Is.EqualTo(17));
        Assert.That((await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray(), Has.Count.EqualTo(3));
    }
}
