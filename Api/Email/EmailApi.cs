using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Hosting;
using Itsm.Api.Problems;
using Itsm.Api.Validation;
using Itsm.Infrastructure.Email;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Itsm.Api.Email;

/// <param name="Email">Where notifications go; null: nowhere (no e-mail).</param>
/// <param name="Language">The language of the e-mails: <c>zh-CN</c> or <c>en</c> (the service's default when the user chose none).</param>
/// <param name="EmailNotifications">False: the user gets notifications in the API only.</param>
public sealed record EmailSettingsResponse(string? Email, string Language, bool EmailNotifications);

/// <param name="Email">Where the user's notifications go (at most 254 characters); null: no e-mail.</param>
/// <param name="Language"><c>zh-CN</c> or <c>en</c>; null: the service's default.</param>
public sealed record SetEmailSettingsRequest(
    [property: StringLength(254), EmailAddress, PlainText] string? Email = null,
    [property: AllowedValues(EmailLanguages.Chinese, EmailLanguages.English, null)] string? Language = null,
    bool EmailNotifications = true);

/// <param name="Language"><c>zh-CN</c> or <c>en</c>; null: the service's default.</param>
public sealed record SetOwnEmailSettingsRequest(
    [property: AllowedValues(EmailLanguages.Chinese, EmailLanguages.English, null)] string? Language = null,
    bool EmailNotifications = true);

/// <summary>
/// Notifications by e-mail: each user's address, language and switch. IT managers set them for users of their scope;
/// a user chooses their own language and switch (the address is their IT manager's to set, so notifications cannot be
/// redirected outside the organisation by whoever holds a key).
/// </summary>
public static class EmailApi
{
    public static RouteGroupBuilder MapEmail(this RouteGroupBuilder api)
    {
        var own = api.MapGroup("/me").WithTags("Organisation");
        own.MapGet("/email-settings", OwnSettings).WithName("GetMyEmailSettings")
            .WithSummary("Your e-mail notification settings: address, language, switch");
        own.MapPut("/email-settings", SetOwnSettings).WithName("SetMyEmailSettings")
            .WithSummary("Choose the language of your notification e-mails, or switch them off")
            .Produces<EmailSettingsResponse>().ProducesValidationProblem();

        var admin = api.MapGroup("/admin/users/{userId}").WithTags("Administration").Allow(Policies.ItManager)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/email-settings", UserSettings).WithName("GetUserEmailSettings")
            .WithSummary("A user's e-mail notification settings")
            .Produces<EmailSettingsResponse>().ProducesProblem(404);
        admin.MapPut("/email-settings", SetUserSettings).WithName("SetUserEmailSettings")
            .WithSummary("Set a user's e-mail address, language and switch (e-mail is sent only when the service has a mail server)")
            .Produces<EmailSettingsResponse>().ProducesValidationProblem().ProducesProblem(404);
        admin.MapGet("/emails", UserEmails).WithName("ListUserEmails")
            .WithSummary("The user's most recent notification e-mails and what became of them (sent, pending with the last error, failed, skipped)")
            .Produces<IReadOnlyList<EmailDelivery>>().ProducesProblem(404);
        return api;
    }

    public static async Task<EmailSettingsResponse> OwnSettings(ClaimsPrincipal user, EmailSettingsStore store, IOptions<EmailOptions> options,
        CancellationToken ct) => Response(await store.OfAsync(user.Actor().UserId, ct) ?? new EmailSettings(null, null, true), options.Value);

    public static async Task<IResult> SetOwnSettings(SetOwnEmailSettingsRequest body, ClaimsPrincipal user, EmailSettingsStore store,
        IOptions<EmailOptions> options, CancellationToken ct)
    {
        var userId = user.Actor().UserId;
        await store.SaveOwnAsync(userId, body.Language, body.EmailNotifications, ct);
        return TypedResults.Ok(Response(await store.OfAsync(userId, ct) ?? new EmailSettings(null, body.Language, body.EmailNotifications), options.Value));
    }

    public static async Task<IResult> UserSettings(string userId, ClaimsPrincipal user, OrganisationAdmin admin, EmailSettingsStore store,
        IOptions<EmailOptions> options, CancellationToken ct) =>
        await admin.FindUserInScopeAsync(userId, user.Actor().UnitPath, ct) is null || await store.OfAsync(userId, ct) is not { } settings
            ? UnknownUser(userId)
            : TypedResults.Ok(Response(settings, options.Value));

    public static async Task<IResult> SetUserSettings(string userId, SetEmailSettingsRequest body, ClaimsPrincipal user, OrganisationAdmin admin,
        EmailSettingsStore store, IOptions<EmailOptions> options, CancellationToken ct)
    {
        if (await admin.FindUserInScopeAsync(userId, user.Actor().UnitPath, ct) is null) return UnknownUser(userId);
        var email = string.IsNullOrWhiteSpace(body.Email) ? null : body.Email.Trim();
        // The attribute lets through what a mail server would refuse ("a@b" with a display name, several addresses).
        if (email is not null && (!MailboxAddress.TryParse(email, out var mailbox) || mailbox.Address != email || !string.IsNullOrEmpty(mailbox.Name)))
            return ProblemResults.Invalid("email", "email is one plain address, such as zhang.san@example.com.");
        var settings = new EmailSettings(email, body.Language, body.EmailNotifications);
        await store.SaveAsync(userId, settings, ct);
        return TypedResults.Ok(Response(settings, options.Value));
    }

    public static async Task<IResult> UserEmails(string userId, ClaimsPrincipal user, OrganisationAdmin admin, EmailDispatcher emails,
        int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 200) return ProblemResults.Invalid("limit", "limit must be between 1 and 200.");
        return await admin.FindUserInScopeAsync(userId, user.Actor().UnitPath, ct) is null
            ? UnknownUser(userId)
            : TypedResults.Ok(await emails.DeliveriesOfAsync(userId, limit ?? 50, ct));
    }

    private static EmailSettingsResponse Response(EmailSettings settings, EmailOptions options) =>
        new(settings.Email, settings.Language ?? options.DefaultLanguage, settings.EmailNotifications);

    private static IResult UnknownUser(string userId) => ProblemResults.NotFound($"User '{userId}' does not exist or is outside your scope.");
}

public static class EmailSetup
{
    public static IServiceCollection AddEmail(this IServiceCollection services) => services.AddHostedService<EmailDispatcherService>();
}

/// <summary>Runs an e-mail pass every <c>Email:Interval</c> (default 5 s) when a mail server is configured (<c>Smtp:Host</c>).</summary>
public sealed class EmailDispatcherService(EmailDispatcher dispatcher, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<EmailDispatcherService> logger) : PeriodicService(database, clock, logger)
{
    protected override bool Enabled => dispatcher.IsConfigured && configuration.GetValue("Email:Enabled", true);

    protected override TimeSpan Interval => configuration.GetValue("Email:Interval", TimeSpan.FromSeconds(5));

    protected override Task RunOnceAsync(CancellationToken ct) => dispatcher.RunPassAsync(ct);

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => dispatcher.IsConfigured ? dispatcher.ReleaseLeaseAsync(ct) : Task.CompletedTask;
}
