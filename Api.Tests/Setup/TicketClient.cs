using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Setup;

/// <summary>An HTTP client for one caller, with the calls tests make again and again.</summary>
public sealed class TicketClient(HttpClient http) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public HttpClient Http => http;

    public static object NewTicket(string title = "ERP posting fails", Category category = Category.ApplicationProblem,
        string system = "ERP", Impact impact = Impact.Individual, Urgency urgency = Urgency.Medium, string? unit = null) =>
        new { system, category = category.ToString(), title, description = "Steps: open ERP, post invoice, see error.", impact = impact.ToString(), urgency = urgency.ToString(), unit };

    public async Task<TicketResponse> CreateAsync(object? body = null)
    {
        var response = await http.PostAsJsonAsync("/api/v1/tickets", body ?? NewTicket());
        await ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<TicketResponse>(Json))!;
    }

    public Task<HttpResponseMessage> GetAsync(long id) => http.GetAsync($"/api/v1/tickets/{id}");

    public async Task<TicketResponse> GetTicketAsync(long id)
    {
        var response = await GetAsync(id);
        await ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TicketResponse>(Json))!;
    }

    /// <summary>
    /// Takes an action with the given If-Match (the ticket's current version when <paramref name="version"/> is null): a POST to the
    /// action's endpoint; <c>edit</c> is a merge patch of the ticket, and <c>mark-duplicate</c> a <c>DuplicateOf</c> link (body
    /// <c>{type, ticket}</c>), answered once made with the ticket as it is then, like the other actions.
    /// </summary>
    public async Task<HttpResponseMessage> ActAsync(long id, string action, object? body = null, int? version = null, string? ifMatch = null)
    {
        var request = action switch
        {
            "edit" => new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}")
            {
                Content = JsonContent.Create(body, new System.Net.Http.Headers.MediaTypeHeaderValue("application/merge-patch+json")),
            },
            "mark-duplicate" => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tickets/{id}/links") { Content = JsonContent.Create(body) },
            _ => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tickets/{id}/{action}") { Content = body is null ? null : JsonContent.Create(body) },
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch ?? $"\"{version ?? (await GetTicketAsync(id)).Version}\"");
        var response = await http.SendAsync(request);
        return action == "mark-duplicate" && response.StatusCode == HttpStatusCode.Created ? await GetAsync(id) : response;
    }

    public async Task<TicketResponse> ActOkAsync(long id, string action, object? body = null, int? version = null)
    {
        var response = await ActAsync(id, action, body, version);
        await ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TicketResponse>(Json))!;
    }

    public Task<HttpResponseMessage> PostJsonTextAsync(string path, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(request);
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        var response = await http.GetAsync(path);
        await ExpectAsync(response, HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts an RFC 9457 problem with this status and returns it.</summary>
    public static async Task<JsonNode> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonNode.Parse(text)!;
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo((int)status));
        Assert.That(problem["type"]!.GetValue<string>(), Does.StartWith("urn:itsm:problem:"), text);
        Assert.That(problem["title"]?.GetValue<string>(), Is.Not.Empty);
        return problem;
    }

    public void Dispose() => http.Dispose();
}
