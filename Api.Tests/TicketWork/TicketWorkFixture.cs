using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>The JS cast of <see cref="ApiFixture"/> and a colleague of the requester (a second JS requester).</summary>
public abstract class TicketWorkFixture : ApiFixture
{
    protected const string ColleagueId = "js-colleague";
    protected TicketClient Colleague = null!;

    [OneTimeSetUp]
    public async Task AddColleague()
    {
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = ColleagueId, name = "JS colleague", unit = "JS", roles = new[] { "Requester" }, groups = Array.Empty<string>() }), HttpStatusCode.Created);
        var issued = await manager.Http.PostAsJsonAsync($"/api/v1/admin/users/{ColleagueId}/api-keys", new { name = "tests" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        Colleague = _app.As((await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
    }

    [OneTimeTearDown]
    public void DisposeColleague() => Colleague.Dispose();

    /// <summary>The ticket's current ETag, as an IT manager reads it.</summary>
    protected async Task<string?> ETagOf(long id) => (await _given.ItManager.GetAsync(id)).Headers.ETag?.Tag;

    protected async Task<JsonArray> HistoryAsync(long id) => (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/history"))["items"]!.AsArray();
}
