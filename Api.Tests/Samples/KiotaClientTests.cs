using Itsm.Api.Tests.Setup;
using Itsm.Samples.KiotaClient;
using KiotaModels = Itsm.Samples.KiotaClient.Generated.Models;

namespace Itsm.Api.Tests.Samples;

/// <summary>The Kiota client generated from openapi.yaml (samples/KiotaClient) drives a ticket through the real service.</summary>
[TestFixture]
public sealed class KiotaClientTests
{
    [Test]
    public async Task GeneratedKiotaClient_RequestToClose_ClosesTheTicketAndReadsTheTyped409And412()
    {
        using var app = new ItsmApp();
        using var http = app.CreateClient();

        var outcome = await TicketJourney.RunAsync(key => TicketJourney.ClientFor(http, key), (Keys.JsRequester, Keys.JsServiceDesk, Keys.JsEngineer));

        Assert.That(outcome.FinalStatus, Is.EqualTo(KiotaModels.TicketStatus.Closed), string.Join("\n", outcome.Steps));
        Assert.That(outcome.Outcome, Is.EqualTo(KiotaModels.ClosureOutcome.Resolved));
        Assert.That(outcome.AllowedActionsOn409, Does.Contain("cancel"));
        Assert.That(outcome.CurrentETagOn412, Does.Match("^\"[0-9]+\"$"));
    }
}
