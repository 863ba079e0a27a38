using Itsm.Samples.KiotaClient.Generated.Models;

namespace Itsm.Samples.KiotaClient;

// Not top-level statements: the tests reference this project beside the API, whose Program is global.
public static class Sample
{
    /// <summary><c>dotnet run --project samples/KiotaClient -- [base URL]</c> (default http://localhost:5080) with the demo data's JS keys.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var http = new HttpClient { BaseAddress = new Uri(args.FirstOrDefault() ?? "http://localhost:5080") };
        var outcome = await TicketJourney.RunAsync(key => TicketJourney.ClientFor(http, key),
            ("demo-js-requester", "demo-js-servicedesk", "demo-js-engineer"));
        foreach (var step in outcome.Steps) Console.WriteLine(step);
        return outcome.FinalStatus == TicketStatus.Closed ? 0 : 1;
    }
}
