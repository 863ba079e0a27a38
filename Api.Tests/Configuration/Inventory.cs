using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Configuration;

/// <summary>Calls of the configuration inventory, for its tests.</summary>
public static class Inventory
{
    public static string Items(string system) => $"/api/v1/systems/{system}/configuration-items";

    public static Task<HttpResponseMessage> CreateAsync(TicketClient caller, string system, object body) =>
        caller.Http.PostAsJsonAsync(Items(system), body);

    public static async Task<JsonNode> CreatedAsync(TicketClient caller, string system, object body)
    {
        var response = await CreateAsync(caller, system, body);
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static Task<HttpResponseMessage> ImportAsync(TicketClient caller, string system, string csv, string query = "")
    {
        var content = new ByteArrayContent([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return caller.Http.PostAsync(Items(system) + ":import" + query, content);
    }

    public static async Task<JsonNode> ItemAsync(TicketClient caller, string system, string key, string environment = "Production") =>
        await caller.GetJsonAsync($"{Items(system)}/{key}?environment={environment}");

    public static async Task<string> CsvAsync(TicketClient caller, string system, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Items(system) + query);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await caller.Http.SendAsync(request);
        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(bytes.Take(3), Is.EqualTo(Encoding.UTF8.GetPreamble()), "UTF-8 with a byte order mark, for Excel");
        return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
    }

    public static IEnumerable<string> Keys(JsonNode page) => page["items"]!.AsArray().Select(i => i!["key"]!.GetValue<string>());
}
