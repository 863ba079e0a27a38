using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>What HQ may send back: validated like any other body, applied only to the current escalation, only forward.</summary>
[TestFixture]
public sealed class HqEventRulesTests
{
    private const string CallbackSecret = HqSystem.CallbackSecret;
    private WireMockServer _hq = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _hq = WireMockServer.Start();
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Hq:BaseUrl"] = _hq.Url + "/hq", ["Hq:CallbackSecret"] = CallbackSecret, ["Hq:Retries"] = "0",
        }));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _hq.Stop();
    }

    private void HqAnswers(string body) =>
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBody(body));

    private Task<DispatchPass> PassAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

    private async Task<JsonNode> EscalationAsync(long ticketId) => await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticketId}/escalation");

    private async Task<(long TicketId, string EscalationId)> SentEscalationAsync()
    {
        HqAnswers("""{"reference": "HQ-1"}""");
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        await PassAsync();
        return (ticket.Id, (await EscalationAsync(ticket.Id))["eventId"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> HqSendsAsync(object body) => HqSystem.SendsAsync(_app, body);

    [Test]
    public async Task HqEvent_WithOverLongText_Is400NamingTheFieldAndChangesNothing()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        var before = await _given.ItManager.GetTicketAsync(ticketId);

        var reference = await HqSendsAsync(new { type = "acknowledged", escalationId = escalation, reference = new string('r', 201) });
        var guidance = await HqSendsAsync(new { type = "returned", escalationId = escalation, guidance = new string('g', 4001) });
        var resolution = await HqSendsAsync(new { type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = new string('t', 4001) } });

        Assert.That((await TicketClient.ExpectProblemAsync(reference, HttpStatusCode.BadRequest))["errors"]!["reference"], Is.Not.Null);
        Assert.That((await TicketClient.ExpectProblemAsync(guidance, HttpStatusCode.BadRequest))["errors"]!["guidance"], Is.Not.Null);
        Assert.That((await TicketClient.ExpectProblemAsync(resolution, HttpStatusCode.BadRequest))["errors"]!["resolution.text"], Is.Not.Null);
        var after = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That((after.Status, after.Version, after.ChangeSequence), Is.EqualTo((before.Status, before.Version, before.ChangeSequence)));
        Assert.That((await EscalationAsync(ticketId))["state"]!.GetValue<string>(), Is.EqualTo("Sent"));
    }

    [Test]
    public async Task HqEvent_WithControlOrBidiCharacters_Is400NamingTheFieldAndChangesNothing()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        var before = await _given.ItManager.GetTicketAsync(ticketId);

        var guidance = await HqSendsAsync(new { type = "returned", escalationId = escalation, guidance = "Restart the \u202Eservice" });
        var resolution = await HqSendsAsync(new { type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = "done\u0007" } });

        Assert.That((await TicketClient.ExpectProblemAsync(guidance, HttpStatusCode.BadRequest))["errors"]!["guidance"], Is.Not.Null);
        Assert.That((await TicketClient.ExpectProblemAsync(resolution, HttpStatusCode.BadRequest))["errors"]!["resolution.text"], Is.Not.Null);
        var after = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That((after.Status, after.Version), Is.EqualTo((before.Status, before.Version)));
    }

    [Test]
    public async Task HqEvent_WithAnUnknownType_Is400()
    {
        var (_, escalation) = await SentEscalationAsync();

        var response = await HqSendsAsync(new { type = "reopened", escalationId = escalation });

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest))["errors"]!["type"], Is.Not.Null);
    }

    [Test]
    public async Task HqEvent_ForAnEarlierEscalationOfAReEscalatedTicket_Is409AndChangesNothing()
    {
        var (ticketId, first) = await SentEscalationAsync();
        await TicketClient.ExpectAsync(await HqSendsAsync(new { type = "returned", escalationId = first, guidance = "Try route B" }), HttpStatusCode.OK);
        await _given.Engineer.ActOkAsync(ticketId, "escalate", new { reason = "Route B failed too", whatWasTried = "Route B" });
        await PassAsync();
        var before = await _given.ItManager.GetTicketAsync(ticketId);

        var late = await HqSendsAsync(new { type = "resolved", escalationId = first, resolution = new { code = "Fixed", text = "Old answer" } });

        var problem = await TicketClient.ExpectProblemAsync(late, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:escalation-not-current"));
        var after = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That((after.Status, after.Version), Is.EqualTo((TicketStatus.EscalatedToHq, before.Version)));
        Assert.That((await EscalationAsync(ticketId))["state"]!.GetValue<string>(), Is.EqualTo("Sent"), "the current escalation is untouched");
    }

    [Test]
    public async Task HqAcknowledged_AfterReturned_Is409AndTheEscalationStaysReturned()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        await TicketClient.ExpectAsync(await HqSendsAsync(new { type = "returned", escalationId = escalation, guidance = "Try route B" }), HttpStatusCode.OK);
        var before = await _given.ItManager.GetTicketAsync(ticketId);

        var late = await HqSendsAsync(new { type = "acknowledged", escalationId = escalation, reference = "HQ-2" });

        var problem = await TicketClient.ExpectProblemAsync(late, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:escalation-state"));
        var escalationNow = await EscalationAsync(ticketId);
        Assert.That((escalationNow["state"]!.GetValue<string>(), escalationNow["hqReference"]!.GetValue<string>()), Is.EqualTo(("Returned", "HQ-1")));
        Assert.That((await _given.ItManager.GetTicketAsync(ticketId)).ChangeSequence, Is.EqualTo(before.ChangeSequence));
    }

    [Test]
    public async Task HqReference_LongerThanItsColumn_IsNotKeptAndTheEscalationIsSentOnce()
    {
        HqAnswers($$"""{"reference": "{{new string('R', 300)}}"}""");
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);

        var pass = await PassAsync();
        _app.Clock.Advance(TimeSpan.FromHours(1));
        await PassAsync();

        Assert.That(pass.SentToHq, Is.EqualTo(1));
        Assert.That(_hq.LogEntries.Count(), Is.EqualTo(1), "not sent again");
        var escalation = await EscalationAsync(ticket.Id);
        Assert.That((escalation["state"]!.GetValue<string>(), escalation["hqReference"]), Is.EqualTo(("Sent", (JsonNode?)null)));
    }
}
