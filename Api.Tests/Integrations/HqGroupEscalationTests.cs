using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>
/// An escalation may name the HQ group that should take it (相关部门): then only that group's members (and the HQ
/// system) return or resolve the ticket, and the name travels to the HQ system (WireMock.Net as HQ).
/// </summary>
[TestFixture]
public sealed class HqGroupEscalationTests
{
    private const string FinanceGroup = "HQ-L3-FIN";
    private WireMockServer _hq = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;
    private TicketClient _financeEngineer = null!;
    private TicketClient _hqIntegration = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _hq = WireMockServer.Start();
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"reference": "HQ-1"}"""));
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Hq:BaseUrl"] = _hq.Url + "/hq",
            ["Hq:CallbackSecret"] = HqSystem.CallbackSecret,
        }));
        // A second HQ line-3 group with an engineer of its own (the demo HQ engineer is not in it), next to the demo HQ-L1, HQ-L2SYS, HQ-L2BIZ and HQ-L3.
        using var hqManager = _app.As(Keys.HqItManager);
        await Created(hqManager.Http.PostAsJsonAsync("/api/v1/admin/groups", new { id = FinanceGroup, name = "HQ finance applications", unit = "HQ", line = "Line3" }));
        await Created(hqManager.Http.PostAsJsonAsync("/api/v1/admin/users", new
        {
            id = "hq-engineer-fin", name = "HQ finance applications engineer", unit = "HQ", roles = new[] { "Engineer", "HqEngineer" },
            groups = new[] { FinanceGroup },
        }));
        var issued = await hqManager.Http.PostAsJsonAsync("/api/v1/admin/users/hq-engineer-fin/api-keys", new { name = "tests" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        _financeEngineer = _app.As((await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
        _hqIntegration = _app.As(Keys.HqIntegration);

        static async Task Created(Task<HttpResponseMessage> call) => await TicketClient.ExpectAsync(await call, HttpStatusCode.Created);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _financeEngineer.Dispose();
        _hqIntegration.Dispose();
        _given.Dispose();
        _app.Dispose();
        _hq.Stop();
    }

    private async Task<TicketResponse> EscalatedTo(string? hqGroup)
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        return await _given.Engineer.ActOkAsync(ticket.Id, "escalate", new { reason = "Central posting defect", whatWasTried = "Reproduced it", hqGroup });
    }

    [Test]
    public async Task Escalate_NamingAnHqGroup_OnlyItsMembersReturnOrResolveIt()
    {
        var escalated = await EscalatedTo(FinanceGroup);
        Assert.That(escalated.HqGroup, Is.EqualTo(FinanceGroup));

        var asOtherHqEngineer = await _given.HqEngineer.GetTicketAsync(escalated.Id);
        var returnByOther = await _given.HqEngineer.ActAsync(escalated.Id, "hq-return", new { guidance = "Not ours" }, escalated.Version);
        var resolveByOther = await _given.HqEngineer.ActAsync(escalated.Id, "resolve", new { code = "Fixed", resolution = "Not ours" }, escalated.Version);

        Assert.That(asOtherHqEngineer.AllowedActions, Is.EquivalentTo(new[] { "comment" }));
        await TicketClient.ExpectProblemAsync(returnByOther, HttpStatusCode.Forbidden);
        var problem = await TicketClient.ExpectProblemAsync(resolveByOther, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("HQ group"));
        var unchanged = await _given.ItManager.GetTicketAsync(escalated.Id);
        Assert.That((unchanged.Status, unchanged.Version), Is.EqualTo((TicketStatus.EscalatedToHq, escalated.Version)), "refusals change nothing");

        Assert.That((await _financeEngineer.GetTicketAsync(escalated.Id)).AllowedActions, Is.EquivalentTo(new[] { "hq-return", "resolve", "comment" }));
        var returned = await _financeEngineer.ActOkAsync(escalated.Id, "hq-return", new { guidance = "Run the posting repair job" }, escalated.Version);
        Assert.That(returned.Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task Escalate_NamingAnHqGroup_TheHqSystemMayStillResolveIt()
    {
        var escalated = await EscalatedTo(FinanceGroup);

        var resolved = await _hqIntegration.ActOkAsync(escalated.Id, "resolve", new { code = "Fixed", resolution = "Central patch deployed" }, escalated.Version);

        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Escalate_WithoutAnHqGroup_AnyHqEngineerMayReturnIt()
    {
        var escalated = await EscalatedTo(null);

        var returned = await _financeEngineer.ActOkAsync(escalated.Id, "hq-return", new { guidance = "Apply note 4711" }, escalated.Version);

        Assert.That((escalated.HqGroup, returned.Status), Is.EqualTo(((string?)null, TicketStatus.InProgress)));
    }

    [TestCase("JS-L2SYS", TestName = "Escalate_NamingAGroupOfTheUnit_Is422NamingHqGroup")]
    [TestCase("HQ-L1", TestName = "Escalate_NamingHqLine1_Is422NamingHqGroup")]
    [TestCase("HQ-NOPE", TestName = "Escalate_NamingAnUnknownGroup_Is422NamingHqGroup")]
    public async Task Escalate_NamingAGroupThatCannotTakeIt_Is422AndChangesNothing(string hqGroup)
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);

        var response = await _given.Engineer.ActAsync(ticket.Id, "escalate", new { reason = "Central defect", whatWasTried = "Reproduced it", hqGroup }, ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("hqGroup"));
        var unchanged = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((unchanged.Status, unchanged.Version, unchanged.HqGroup), Is.EqualTo((TicketStatus.InProgress, ticket.Version, (string?)null)));
    }

    [Test]
    public async Task Escalate_NamingAnHqGroup_ThePayloadToHqCarriesIt_AndHqsReturnIsApplied()
    {
        var escalated = await EscalatedTo(FinanceGroup);

        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

        var sent = _hq.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)
            .Single(b => b["ticket"]!["id"]!.GetValue<long>() == escalated.Id);
        Assert.That((sent["type"]!.GetValue<string>(), sent["ticket"]!["hqGroup"]!.GetValue<string>(), sent["details"]!["hqGroup"]!.GetValue<string>()),
            Is.EqualTo(("ticket.escalated", FinanceGroup, FinanceGroup)));
        Assert.That((sent["ticket"]!["requester"]!.GetValue<string>(), sent["ticket"]!["raisedBy"]!.GetValue<string>()),
            Is.EqualTo(("js-requester", "js-requester")));

        var escalationId = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{escalated.Id}/escalation"))["eventId"]!.GetValue<string>();
        await TicketClient.ExpectAsync(await HqSystem.SendsAsync(_app, new { type = "returned", escalationId, guidance = "Use route B" }), HttpStatusCode.OK);
        Assert.That((await _given.ItManager.GetTicketAsync(escalated.Id)).Status, Is.EqualTo(TicketStatus.InProgress));
    }
}
