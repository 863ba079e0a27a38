using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Email;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Itsm.Api.Tests.Email;

/// <summary>
/// Notifications go out by e-mail through a real SMTP server the test runs: after the change that made them has committed,
/// to each recipient user with an address who has not switched e-mail off, in that user's language, once.
/// </summary>
[TestFixture]
public sealed class EmailNotificationTests
{
    private const string PublicBaseUrl = "https://itsm.example.com";
    private MailServer _mail = null!;
    private ItsmApp _app = null!;
    private Province _js = null!;

    [SetUp]
    public void StartApp()
    {
        _mail = new MailServer();
        _app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _mail.Port.ToString(),
            ["Smtp:From"] = "ITSM <itsm@example.com>",
            ["Email:Enabled"] = "false",
            ["Email:QuickRetries"] = "1",
            ["Email:QuickRetryDelay"] = "00:00:00.010",
            ["PublicBaseUrl"] = PublicBaseUrl,
        });
        _js = new Province(_app, "JS");
    }

    [TearDown]
    public void StopApp()
    {
        _js.Dispose();
        _app.Dispose();
        _mail.Dispose();
    }

    private Task<EmailPass> EmailPassAsync() => _app.Services.GetRequiredService<EmailDispatcher>().RunPassAsync(CancellationToken.None);

    private static string Address(string user) => $"{user}@example.com";

    private static async Task SetEmailAsync(TicketClient manager, string user, string? language, bool enabled = true)
    {
        var response = await manager.Http.PutAsJsonAsync($"/api/v1/admin/users/{user}/email-settings",
            new { email = Address(user), language, emailNotifications = enabled });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A ticket of the JS line-2 system group left a month without work: its clocks warn and breach.</summary>
    private async Task<TicketResponse> BreachedTicketAsync()
    {
        var ticket = await _js.TicketIn(TicketStatus.Triaged, title: "总账过账失败");
        _app.Clock.Advance(TimeSpan.FromDays(30));
        await _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);
        return ticket;
    }

    private static string Text(MimeMessage message) => message.TextBody ?? "";

    [Test]
    public async Task SlaBreach_ToChineseUser_ArrivesInChineseWithALinkToTheTicket()
    {
        await SetEmailAsync(_js.ItManager, "js-engineer", "zh-CN");

        var ticket = await BreachedTicketAsync();
        Assert.That(_mail.Start().Received, Is.Empty, "nothing is sent in the change's transaction");
        var pass = await EmailPassAsync();

        var received = _mail.To(Address("js-engineer"));
        Assert.That(pass.Sent, Is.EqualTo(received.Count));
        Assert.That(received, Is.Not.Empty);
        var breach = received.Single(m => m.Subject!.Contains("已超出服务时限"));
        Assert.That(breach.Subject, Does.Contain(ticket.Number));
        Assert.That(breach.Body!.Headers["Content-Language"], Is.EqualTo("zh-CN"));
        Assert.That(Text(breach), Does.Contain("您好").And.Contain("总账过账失败").And.Contain("北京时间"));
        Assert.That(Text(breach), Does.Contain($"{PublicBaseUrl}/api/v1/tickets/{ticket.Id}"));
        Assert.That(breach.From.Mailboxes.Single().Address, Is.EqualTo("itsm@example.com"));
    }

    [Test]
    public async Task SlaBreach_ToEnglishUser_ArrivesInEnglish()
    {
        await SetEmailAsync(_js.ItManager, "js-itmanager", "en");

        var ticket = await BreachedTicketAsync();
        _mail.Start();
        await EmailPassAsync();

        var breach = _mail.To(Address("js-itmanager")).Single();
        Assert.That(breach.Subject, Is.EqualTo($"Ticket {ticket.Number} has breached its service-level target"));
        Assert.That(breach.Body!.Headers["Content-Language"], Is.EqualTo("en"));
        Assert.That(Text(breach), Does.Contain("Hello").And.Contain("UTC").And.Contain($"{PublicBaseUrl}/api/v1/tickets/{ticket.Id}"));
    }

    [Test]
    public async Task SlaBreach_ToUserWhoSwitchedEmailOff_IsNotSent()
    {
        using var hqManager = _app.As(Keys.HqItManager);
        await SetEmailAsync(hqManager, "hq-itmanager", "en");
        await SetEmailAsync(_js.ItManager, "js-itmanager", null);
        var own = await hqManager.Http.PutAsJsonAsync("/api/v1/me/email-settings", new { language = "en", emailNotifications = false });
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await BreachedTicketAsync();
        _mail.Start();
        await EmailPassAsync();

        Assert.That(_mail.To(Address("js-itmanager")), Has.Count.EqualTo(1), "an IT manager of the unit who left it on");
        Assert.That(_mail.To(Address("hq-itmanager")), Is.Empty, "the IT manager above it switched it off");
        Assert.That((await hqManager.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray(), Is.Not.Empty, "the API still shows it");
    }

    [Test]
    public async Task Language_NotChosen_IsTheConfiguredDefault()
    {
        await SetEmailAsync(_js.ItManager, "js-itmanager", null);

        var settings = await _js.ItManager.GetJsonAsync("/api/v1/me/email-settings");
        await BreachedTicketAsync();
        _mail.Start();
        await EmailPassAsync();

        Assert.That(settings["language"]!.GetValue<string>(), Is.EqualTo("zh-CN"));
        Assert.That(settings["email"]!.GetValue<string>(), Is.EqualTo(Address("js-itmanager")));
        Assert.That(_mail.To(Address("js-itmanager")).Single().Subject, Does.Contain("工单"));
    }

    [Test]
    public async Task MailServerDown_EmailWaitsAndArrivesOnceItIsBack()
    {
        await SetEmailAsync(_js.ItManager, "js-itmanager", "en");
        await BreachedTicketAsync();

        var down = await EmailPassAsync();
        var recorded = (await _js.ItManager.GetJsonAsync("/api/v1/admin/users/js-itmanager/emails")).AsArray().Single()!;
        _mail.Start();
        var tooEarly = await EmailPassAsync();
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var back = await EmailPassAsync();
        var again = await EmailPassAsync();

        Assert.That((down.Queued, down.Sent, down.Retried), Is.EqualTo((1, 0, 1)));
        Assert.That(recorded["state"]!.GetValue<string>(), Is.EqualTo("Pending"));
        Assert.That(recorded["attempts"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(recorded["lastError"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(tooEarly.Sent, Is.EqualTo(0), "it waits for its next attempt");
        Assert.That(back.Sent, Is.EqualTo(1));
        Assert.That(again.Sent, Is.EqualTo(0));
        Assert.That(_mail.To(Address("js-itmanager")), Has.Count.EqualTo(1));
        var sent = (await _js.ItManager.GetJsonAsync("/api/v1/admin/users/js-itmanager/emails")).AsArray().Single()!;
        Assert.That((sent["state"]!.GetValue<string>(), sent["attempts"]!.GetValue<int>()), Is.EqualTo(("Sent", 2)));
    }

    [Test]
    public async Task EmailSwitchedOff_WhileItWaitedForTheServer_IsSkipped()
    {
        await SetEmailAsync(_js.ItManager, "js-itmanager", "en");
        await BreachedTicketAsync();
        var down = await EmailPassAsync();

        var off = await _js.ItManager.Http.PutAsJsonAsync("/api/v1/me/email-settings", new { emailNotifications = false });
        _mail.Start();
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var back = await EmailPassAsync();

        Assert.That(off.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((down.Retried, back.Sent, back.Skipped), Is.EqualTo((1, 0, 1)));
        Assert.That(_mail.Received, Is.Empty);
        var recorded = (await _js.ItManager.GetJsonAsync("/api/v1/admin/users/js-itmanager/emails")).AsArray().Single()!;
        Assert.That(recorded["state"]!.GetValue<string>(), Is.EqualTo("Skipped"));
    }

    [Test]
    public async Task SecondInstance_AfterTheFirstSent_SendsNothingAgain()
    {
        await SetEmailAsync(_js.ItManager, "js-itmanager", "en");
        await BreachedTicketAsync();
        _mail.Start();
        var first = await EmailPassAsync();

        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var other = await ActivatorUtilities.CreateInstance<EmailDispatcher>(_app.Services).RunPassAsync(CancellationToken.None);

        Assert.That(first.Sent, Is.EqualTo(1));
        Assert.That((other.Leased, other.Queued, other.Sent), Is.EqualTo((true, 0, 0)));
        Assert.That(_mail.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Recipients_AreExpandedToTheUsersEachKindNames()
    {
        using var zjManager = _app.As(Keys.ZjItManager);
        using var hqManager = _app.As(Keys.HqItManager);
        foreach (var user in new[] { "js-servicedesk", "js-approver", "js-hr-approver", "js-requester", "js-engineer" })
            await SetEmailAsync(_js.ItManager, user, "en");
        await SetEmailAsync(zjManager, "zj-servicedesk", "en");
        await SetEmailAsync(hqManager, "hq-approver", "en");
        var ticket = await _js.TicketIn(TicketStatus.New);

        var now = _app.Clock.GetUtcNow();
        await _app.Services.GetRequiredService<Database>().WriteAsync(async (connection, transaction, token) =>
        {
            await _app.Services.GetRequiredService<SlaStore>().AddNotificationsAsync(connection, transaction,
            [
                Notice(RecipientKind.ServiceDesk, "/HQ/JS/JS-NJ/", "access-review:1"),
                Notice(RecipientKind.DepartmentApprovers, "JS-FIN", "access-review:2"),
                Notice(RecipientKind.Approvers, "/HQ/ZJ/", "access-review:3"),
                Notice(RecipientKind.Group, "JS-L2SYS", "access-review:4"),
                new Notification { TicketId = ticket.Id, Type = "ticket.watched", RecipientKind = RecipientKind.User, Recipient = "js-requester", CreatedAt = now },
            ], token);
            return true;
        }, CancellationToken.None);
        _mail.Start();
        await EmailPassAsync();

        Assert.That(Abouts("js-servicedesk"), Is.EqualTo(new[] { "access-review:1" }), "the service desk of a unit above");
        Assert.That(Abouts("zj-servicedesk"), Is.Empty, "not another province's");
        Assert.That(Abouts("js-approver"), Is.EqualTo(new[] { "access-review:2" }), "the department's approver");
        Assert.That(Abouts("js-hr-approver"), Is.Empty, "not another department's");
        Assert.That(Abouts("hq-approver"), Is.EqualTo(new[] { "access-review:3" }), "approvers of a unit above");
        Assert.That(Abouts("js-engineer"), Is.EqualTo(new[] { "access-review:4" }), "the group's members");
        var watcher = _mail.To(Address("js-requester")).Single();
        Assert.That(watcher.Subject, Does.Contain("ticket.watched").And.Contain(ticket.Number), "a type without its own wording still goes out");

        Notification Notice(RecipientKind kind, string recipient, string subject) => new()
        {
            Subject = subject, Type = "access-review.due", RecipientKind = kind, Recipient = recipient, CreatedAt = now,
        };

        IEnumerable<string> Abouts(string user) => _mail.To(Address(user)).Select(m => m.Subject!.Split(' ').Last());
    }
}

/// <summary>Without a mail server the service sends nothing and fails at nothing.</summary>
[TestFixture]
public sealed class NoMailServerTests
{
    [Test]
    public async Task EmailPass_WithoutSmtpHost_SendsNothingAndNotificationsStillShow()
    {
        using var app = new ItsmApp();
        using var js = new Province(app, "JS");
        var set = await js.ItManager.Http.PutAsJsonAsync("/api/v1/admin/users/js-itmanager/email-settings",
            new { email = "js-itmanager@example.com", language = "en" });
        await js.TicketIn(TicketStatus.Triaged);
        app.Clock.Advance(TimeSpan.FromDays(30));
        await app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

        var pass = await app.Services.GetRequiredService<EmailDispatcher>().RunPassAsync(CancellationToken.None);

        Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.OK), "addresses may be recorded before a server is configured");
        Assert.That((pass.Leased, pass.Queued, pass.Sent), Is.EqualTo((false, 0, 0)));
        Assert.That((await js.ItManager.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray(), Is.Not.Empty);
        Assert.That((await js.ItManager.GetJsonAsync("/api/v1/admin/users/js-itmanager/emails")).AsArray(), Is.Empty);
    }
}

/// <summary>E-mail settings: what may be set, by whom, within which scope.</summary>
[TestFixture]
public sealed class EmailSettingsTests
{
    private ItsmApp _app = null!;

    [OneTimeSetUp]
    public void StartApp() => _app = new ItsmApp();

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    [TestCase("{\"email\":\"not an address\"}", "email")]
    [TestCase("{\"email\":\"Zhang San <zhang@example.com>\"}", "email")]
    [TestCase("{\"email\":\"a@b.example, c@d.example\"}", "email")]
    [TestCase("{\"language\":\"fr\"}", "language")]
    [TestCase("{\"email\":\"TOOLONG@example.com\"}", "email")]
    public async Task SetUserSettings_WithBadValue_Is400NamingTheFieldAndChangesNothing(string body, string field)
    {
        using var manager = _app.As(Keys.JsItManager);
        body = body.Replace("TOOLONG", new string('a', 250));
        var before = await manager.GetJsonAsync("/api/v1/admin/users/js-requester/email-settings");

        var response = await manager.Http.PutAsync("/api/v1/admin/users/js-requester/email-settings",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key.ToLowerInvariant()), Has.Some.EqualTo(field));
        Assert.That((await manager.GetJsonAsync("/api/v1/admin/users/js-requester/email-settings")).ToJsonString(), Is.EqualTo(before.ToJsonString()));
    }

    [Test]
    public async Task SetUserSettings_OutsideTheManagersScope_Is404()
    {
        using var manager = _app.As(Keys.ZjItManager);

        var response = await manager.Http.PutAsJsonAsync("/api/v1/admin/users/js-requester/email-settings", new { email = "x@example.com" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task SetUserSettings_ByNonManager_Is403()
    {
        using var desk = _app.As(Keys.JsServiceDesk);

        var response = await desk.Http.PutAsJsonAsync("/api/v1/admin/users/js-requester/email-settings", new { email = "x@example.com" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task OwnSettings_UserChoosesLanguageAndSwitchButNotTheAddress()
    {
        using var manager = _app.As(Keys.JsItManager);
        using var engineer = _app.As(Keys.JsEngineer);
        await manager.Http.PutAsJsonAsync("/api/v1/admin/users/js-engineer/email-settings", new { email = "js-engineer@example.com" });

        var response = await engineer.Http.PutAsJsonAsync("/api/v1/me/email-settings",
            new { email = "elsewhere@example.org", language = "en", emailNotifications = false });
        var seen = await manager.GetJsonAsync("/api/v1/admin/users/js-engineer/email-settings");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(seen["email"]!.GetValue<string>(), Is.EqualTo("js-engineer@example.com"));
        Assert.That(seen["language"]!.GetValue<string>(), Is.EqualTo("en"));
        Assert.That(seen["emailNotifications"]!.GetValue<bool>(), Is.False);
    }
}
