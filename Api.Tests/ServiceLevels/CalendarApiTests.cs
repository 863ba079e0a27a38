using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.ServiceLevels;

[TestFixture]
public sealed class CalendarApiTests
{
    private ItsmApp _app = null!;
    private TicketClient _hq = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _app = new ItsmApp();
        _hq = _app.As(Keys.HqItManager);
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _hq.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Preview_FridayAfternoonOnCnBusiness_IsDueMondayMorning()
    {
        var response = await _hq.PostJsonTextAsync("/api/v1/sla/preview", """{"calendar": "CN-BUSINESS", "start": "2026-12-04T16:00:00+08:00", "minutes": 120}""");

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"due":"2026-12-07T09:00:00+08:00"}"""));
    }

    [TestCase("""{"calendar": "NOPE", "start": "2026-12-04T16:00:00+08:00", "minutes": 120}""", HttpStatusCode.UnprocessableEntity)]
    [TestCase("""{"calendar": "CN-BUSINESS", "start": "2026-12-04T16:00:00+08:00", "minutes": -1}""", HttpStatusCode.BadRequest)]
    [TestCase("""{"calendar": "CN-BUSINESS", "start": "2026-12-04T16:00:00+08:00", "minutes": 99999999}""", HttpStatusCode.BadRequest)]
    [TestCase("""{"calendar": "CN-BUSINESS", "minutes": 10}""", HttpStatusCode.BadRequest)]
    [TestCase("""{"calendar": "CN-BUSINESS", "start": "Friday", "minutes": 10}""", HttpStatusCode.BadRequest)]
    public async Task Preview_WithBadInput_IsAProblem(string body, HttpStatusCode status) =>
        await TicketClient.ExpectProblemAsync(await _hq.PostJsonTextAsync("/api/v1/sla/preview", body), status);

    [Test]
    public async Task Calendars_AreSeededWithCnBusinessAnd24x7()
    {
        var calendars = (await _hq.GetJsonAsync("/api/v1/calendars")).AsArray().Select(c => c!["code"]!.GetValue<string>());

        Assert.That(calendars, Is.SupersetOf(new[] { "CN-BUSINESS", "24x7" }));
        var business = await _hq.GetJsonAsync("/api/v1/calendars/CN-BUSINESS");
        Assert.That(business["definition"]!["timeZone"]!.GetValue<string>(), Is.EqualTo("Asia/Shanghai"));
        Assert.That(business["definition"]!["week"]!["monday"]!.AsArray().Select(p => p!["start"]!.GetValue<string>()), Is.EqualTo(new[] { "08:30", "13:30" }));
    }

    [Test]
    public async Task Put_CreatesThenReplacesACalendarWithMakeUpDays()
    {
        const string body = """
            {"name": "China 2026", "timeZone": "Asia/Shanghai",
             "week": {"monday": [{"start": "08:30", "end": "12:00"}, {"start": "13:30", "end": "17:30"}], "tuesday": [{"start": "08:30", "end": "17:30"}],
                      "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": []},
             "holidays": ["2026-10-01"], "workdays": ["2026-10-10"]}
            """;

        var created = await _hq.Http.PutAsync("/api/v1/calendars/CN-2026", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var replaced = await _hq.Http.PutAsync("/api/v1/calendars/CN-2026", new StringContent(body.Replace("China 2026", "China 2026 v2"), System.Text.Encoding.UTF8, "application/json"));

        Assert.That((created.StatusCode, replaced.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK)));
        var preview = await _hq.PostJsonTextAsync("/api/v1/sla/preview", """{"calendar": "CN-2026", "start": "2026-10-09T17:00:00+08:00", "minutes": 60}""");
        Assert.That((await preview.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["due"]!.GetValue<string>(),
            Is.EqualTo("2026-10-10T09:30:00+08:00"), "this calendar does not work Fridays; Saturday Oct 10 works with Monday's periods");
        Assert.That((await _hq.GetJsonAsync("/api/v1/calendars/CN-2026"))["definition"]!["name"]!.GetValue<string>(), Is.EqualTo("China 2026 v2"));
    }

    [TestCase("""{"name": "x", "timeZone": "Asia/Shanghai", "week": {"monday": [{"start": "12:00", "end": "08:30"}]}}""", "week.monday[0]")]
    [TestCase("""{"name": "x", "timeZone": "Asia/Shanghai", "week": {"monday": [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}}""", "week.monday[1]")]
    [TestCase("""{"name": "x", "timeZone": "Nowhere/Land", "week": {"monday": [{"start": "08:00", "end": "12:00"}]}}""", "timeZone")]
    [TestCase("""{"name": "x", "timeZone": "Asia/Shanghai", "week": {"monday": [{"start": "08:00", "end": "12:00"}]}, "holidays": ["2026-10-10"], "workdays": ["2026-10-10"]}""", "workdays.2026-10-10")]
    [TestCase("""{"name": "x", "timeZone": "Asia/Shanghai", "week": {"monday": []}}""", "week")]
    [TestCase("""{"name": "x", "timeZone": "UTC", "week": {"sunday": [{"start": "00:00", "end": "00:01"}]}}""", "week")]
    public async Task Put_WithABadCalendar_Is400NamingTheFieldAndChangesNothing(string body, string field)
    {
        var response = await _hq.Http.PutAsync("/api/v1/calendars/CN-BUSINESS", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
        Assert.That((await _hq.GetJsonAsync("/api/v1/calendars/CN-BUSINESS"))["definition"]!["name"]!.GetValue<string>(), Does.StartWith("China business days"));
    }

    [Test]
    public async Task Put_WithACodeDifferingOnlyInCase_ReplacesTheSameCalendar()
    {
        const string body = """{"name": "Case test", "timeZone": "UTC", "week": {"monday": [{"start": "08:00", "end": "12:00"}]}}""";
        var first = await _hq.Http.PutAsync("/api/v1/calendars/CASE-TEST", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var second = await _hq.Http.PutAsync("/api/v1/calendars/case-test", new StringContent(body.Replace("Case test", "Case test v2"), System.Text.Encoding.UTF8, "application/json"));

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK)));
        var codes = (await _hq.GetJsonAsync("/api/v1/calendars")).AsArray().Select(c => c!["code"]!.GetValue<string>()).ToList();
        Assert.That(codes.Count(c => c.Equals("CASE-TEST", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
        Assert.That((await _hq.GetJsonAsync("/api/v1/calendars/case-test"))["definition"]!["name"]!.GetValue<string>(), Is.EqualTo("Case test v2"));
    }

    [Test]
    public async Task Put_ByAProvincialManager_Is403()
    {
        using var js = _app.As(Keys.JsItManager);

        var response = await js.Http.PutAsync("/api/v1/calendars/JS", new StringContent("""{"name":"x","timeZone":"Asia/Shanghai","week":{"monday":[{"start":"08:00","end":"09:00"}]}}""", System.Text.Encoding.UTF8, "application/json"));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Get_UnknownCalendar_Is404() =>
        await TicketClient.ExpectProblemAsync(await _hq.Http.GetAsync("/api/v1/calendars/NOPE"), HttpStatusCode.NotFound);
}
