using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Itsm.Api.Tests.Accounts;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Storage;

/// <summary>
/// Instants callers send with an offset (+08:00, −05:00) are stored in UTC like the service's own: SQLite compares them as
/// text, so one stored with its offset sorts, filters and falls due wrongly.
/// </summary>
[TestFixture]
public sealed partial class UtcInstantTests : ApiPerTestFixture
{
    /// <summary>How the service stores an instant on SQLite: UTC, the way the provider writes a <c>DateTimeOffset</c> at offset zero.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,7})?\+00:00$")]
    private static partial Regex StoredUtc();

    private const string NeverHeld = "0001-01-01T00:00:00.0000000Z";

    /// <summary>Any text that starts like a date and a time of day.</summary>
    [GeneratedRegex(@"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex LooksLikeAnInstant();

    /// <summary>Every text value of every column of every table that reads as an instant, with where it is.</summary>
    private async Task<List<(string Table, string Column, string Value)>> StoredInstantsAsync() =>
        await _app.Services.GetRequiredService<Database>().ReadAsync(async (connection, token) =>
        {
            var found = new List<(string, string, string)>();
            var tables = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", cancellationToken: token))).ToList();
            foreach (var table in tables)
            {
                var columns = (await connection.QueryAsync<string>(new CommandDefinition(
                    $"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')", cancellationToken: token))).ToList();
                foreach (var column in columns)
                {
                    var values = await connection.QueryAsync<string>(new CommandDefinition(
                        $"SELECT \"{column}\" FROM \"{table}\" WHERE typeof(\"{column}\") = 'text' AND \"{column}\" GLOB '*[0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:*'",
                        cancellationToken: token));
                    found.AddRange(values.Where(v => LooksLikeAnInstant().IsMatch(v)).Select(v => (table, column, v)));
                }
            }
            return found;
        }, CancellationToken.None);

    private async Task<long> ApprovedChangeAsync(string title)
    {
        var pending = await _given.TicketIn(TicketStatus.PendingApproval, Category.DataChange, title);
        await _given.Approver.ActOkAsync(pending.Id, "approve", new { comment = "Go ahead" });
        return pending.Id;
    }

    [Test]
    public async Task EveryEndpointTakingAnInstant_GivenOffsets_StoresEveryInstantInUtc()
    {
        Assume.That(_app.Provider, Is.EqualTo(DatabaseProvider.Sqlite), "SQLite stores instants as text");
        // The clock stands at 2026-12-01 01:00 UTC.
        await Register.ImportOkAsync(_given.ItManager, "ERP", Register.Header +
            "\nutc-east,东八区,财务部,GL-CLERK,Active,2026-11-20T09:00:00+08:00" +
            "\nutc-west,西五区,财务部,GL-CLERK,Active,2026-11-19T20:00:00-05:00\n");
        using var integration = _app.As(Keys.HqIntegration);
        var reported = await integration.Http.PostAsync("/api/v1/systems/ERP/accounts:last-used", new StringContent(
            """[{"login":"js001","lastUsedAt":"2026-12-01T08:30:00+08:00"},{"login":"js002","lastUsedAt":"2026-11-30T19:00:00-05:00"}]""",
            System.Text.Encoding.UTF8, "application/json"));
        await TicketClient.ExpectAsync(reported, HttpStatusCode.OK);
        foreach (var (unit, dueBy) in new[] { ("JS-NJ", "2026-12-20T09:00:00+08:00"), ("JS", "2026-12-19T20:00:00-05:00") })
        {
            var opened = await _given.ItManager.PostJsonTextAsync("/api/v1/access-reviews", $$"""{"system":"ERP","unit":"{{unit}}","dueBy":"{{dueBy}}"}""");
            await TicketClient.ExpectAsync(opened, HttpStatusCode.Created);
        }
        var east = await ApprovedChangeAsync("Implemented in Beijing time");
        var west = await ApprovedChangeAsync("Implemented in New York time");
        _app.Clock.Advance(TimeSpan.FromHours(2));
        foreach (var (id, at) in new[] { (east, "2026-12-01T10:00:00+08:00"), (west, "2026-11-30T21:00:00-05:00") })
        {
            var resolved = await _given.Engineer.PostJsonTextAsync($"/api/v1/tickets/{id}/resolve",
                $$"""{"code":"ChangeImplemented","resolution":"Done","testResult":"Checked","implementedAt":"{{at}}"}""",
                $"\"{(await _given.Engineer.GetTicketAsync(id)).Version}\"");
            await TicketClient.ExpectAsync(resolved, HttpStatusCode.OK);
        }

        var instants = await StoredInstantsAsync();

        Assert.That(instants.Select(i => i.Column).Distinct(), Is.SupersetOf(new[] { "LastUsedAt", "DueBy", "ImplementedAt" }), "the scan sees them");
        // The first migrations wrote a lease never held as the earliest instant, in UTC: before any other either way.
        var offsets = instants.Where(i => !StoredUtc().IsMatch(i.Value) && i.Value != NeverHeld).Select(i => $"{i.Table}.{i.Column} = {i.Value}").Distinct().ToList();
        Assert.That(offsets, Is.Empty);
    }

    [Test]
    public async Task DormantListing_GivenLastUsedWithOffsets_DecidesByTheInstantNotByItsText()
    {
        // Dormant after 180 days: the cutoff is 2026-06-04 01:00 UTC.
        await Register.ImportOkAsync(_given.ItManager, "ERP", Register.Header +
            "\nidle-east,东八区,财务部,GL-CLERK,Active,2026-06-04T08:30:00+08:00" + // 00:30 UTC: 180 days and 30 minutes idle
            "\nbusy-west,西五区,财务部,GL-CLERK,Active,2026-06-03T21:30:00-05:00\n"); // 02:30 UTC: 90 minutes short of 180 days

        var dormant = (await Register.ListAsync(_given.ItManager, "ERP", "&dormant=true")).Select(a => a!["login"]!.GetValue<string>()).ToList();

        Assert.That(dormant, Does.Contain("idle-east"));
        Assert.That(dormant, Does.Not.Contain("busy-west"));
    }

    [Test]
    public async Task TicketList_GivenCreatedFromWithAnOffset_ComparesInstants()
    {
        var ticket = await _given.Requester.CreateAsync();
        // 2026-12-01 08:59 in Beijing is 00:59 UTC, a minute before the ticket was created: it is listed. As text it would
        // sort after the stored "2026-12-01 01:00" and the ticket would be missed.
        var page = await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200&createdFrom=" + Uri.EscapeDataString("2026-12-01T08:59:00+08:00"));

        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));
    }
}
