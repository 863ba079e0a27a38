using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Accounts;

/// <summary>Shortcuts for the account register tests.</summary>
public static class Register
{
    public const string Header = "login,holder,department,roles,status,lastUsedAt";

    public static Task<HttpResponseMessage> ImportAsync(TicketClient client, string system, string csv, string? unit = null)
    {
        var content = new StringContent(csv, new UTF8Encoding(false), "text/csv");
        return client.Http.PostAsync($"/api/v1/systems/{system}/accounts:import" + (unit is null ? "" : $"?unit={unit}"), content);
    }

    public static async Task ImportOkAsync(TicketClient client, string system, string csv, string? unit = null) =>
        await TicketClient.ExpectAsync(await ImportAsync(client, system, csv, unit), System.Net.HttpStatusCode.OK);

    public static async Task<JsonArray> ListAsync(TicketClient client, string system, string query = "") =>
        (await client.GetJsonAsync($"/api/v1/systems/{system}/accounts?limit=200{query}"))["items"]!.AsArray();

    public static Task<JsonNode> GetAsync(TicketClient client, string system, string login) =>
        client.GetJsonAsync($"/api/v1/systems/{system}/accounts/{login}");

    public static async Task<HttpResponseMessage> CsvAsync(TicketClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return await client.Http.SendAsync(request);
    }

    public static Task<AccountPass> PassAsync(ItsmApp app) => app.Services.GetRequiredService<AccountScheduler>().RunPassAsync(CancellationToken.None);

    public static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
