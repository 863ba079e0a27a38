using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Inspections;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Inspections;

/// <summary>Plans, runs and scheduler passes as the tests need them, through the API.</summary>
public static class Inspect
{
    public static object Manual(string code, string title = "Check the screen") => new { code, title, kind = "Manual" };

    public static object Plan(object[]? items = null, string[]? times = null, string days = "Working", string calendar = "CN-BUSINESS",
        string group = "JS-L2BIZ", string system = "ERP", int? window = null, string? unit = null, string name = "ERP daily inspection") =>
        new
        {
            system, name, group, unit, window,
            schedule = new { calendar, times = times ?? ["09:00", "15:00"], days },
            items = items ?? [Manual("LOGIN", "Log in to ERP"), Manual("POSTING", "Post a test voucher")],
        };

    public static async Task<JsonNode> CreatePlanAsync(TicketClient client, object plan)
    {
        var response = await client.Http.PostAsJsonAsync("/api/v1/inspection-plans", plan);
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static Task<HttpResponseMessage> PostAsync(TicketClient client, string path, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.Http.SendAsync(request);
    }

    public static async Task<JsonNode> PostOkAsync(TicketClient client, string path, object? body = null)
    {
        var response = await PostAsync(client, path, body);
        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static Task<InspectionPass> PassAsync(ItsmApp app) =>
        app.Services.GetRequiredService<InspectionScheduler>().RunPassAsync(CancellationToken.None);

    public static async Task<JsonArray> RunsAsync(TicketClient client, long planId) =>
        (await client.GetJsonAsync($"/api/v1/inspection-runs?plan={planId}&limit=200"))["items"]!.AsArray();

    public static async Task<JsonNode> RunAsync(TicketClient client, long runId) => await client.GetJsonAsync($"/api/v1/inspection-runs/{runId}");

    public static JsonNode Item(JsonNode run, string code) => run["items"]!.AsArray().Single(i => i!["code"]!.GetValue<string>() == code)!;
}
