using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Api.Validation;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.ServiceLevels;

/// <summary>
/// Service levels: each ticket's clocks, the policy, business calendars, the priority matrix, a preview of the
/// calendar arithmetic, and the notifications the clocks raise. Company-wide settings are changed by HQ's IT manager.
/// </summary>
public static partial class SlaApi
{
    public static RouteGroupBuilder MapServiceLevels(this RouteGroupBuilder api)
    {
        var sla = api.MapGroup("").WithTags("Service levels");
        sla.MapGet("/tickets/{id:long}/sla", TicketClocks).WithName("GetTicketSla")
            .WithSummary("The ticket's clocks: target, due, elapsed and remaining business minutes, state, run/pause segments")
            .Produces<TicketSlaResponse>().ProducesProblem(404);
        sla.MapGet("/sla/policies", GetPolicy).WithName("GetSlaPolicy").WithSummary("The SLA policy in force (latest version)")
            .Produces<SlaPolicy>();
        sla.MapPut("/sla/policies", PutPolicy).WithName("PutSlaPolicy").Allow(Policies.HqItManager)
            .WithSummary("Store a new version of the SLA policy (HQ ItManager); running tickets keep theirs")
            .Produces<SlaPolicy>().ProducesValidationProblem().ProducesProblem(403);
        sla.MapPost("/sla/preview", Preview).WithName("PreviewDue")
            .WithSummary("When N business minutes from an instant run out on a calendar")
            .Produces<PreviewResponse>().ProducesValidationProblem().ProducesProblem(422);
        sla.MapGet("/calendars", Calendars).WithName("ListCalendars").WithSummary("Business calendars")
            .Produces<IReadOnlyList<CalendarView>>();
        sla.MapGet("/calendars/{code}", GetCalendar).WithName("GetCalendar").WithSummary("One business calendar")
            .Produces<CalendarView>().ProducesProblem(404);
        sla.MapPut("/calendars/{code}", PutCalendar).WithName("PutCalendar").Allow(Policies.HqItManager)
            .WithSummary("Create or replace a calendar: periods per weekday, holidays and make-up working days (HQ ItManager)")
            .Produces<CalendarView>().Produces<CalendarView>(201).ProducesValidationProblem().ProducesProblem(403);
        sla.MapGet("/priority-matrix", GetMatrix).WithName("GetPriorityMatrix").WithSummary("Impact × urgency → priority")
            .Produces<PriorityMatrixBody>();
        sla.MapPut("/priority-matrix", PutMatrix).WithName("PutPriorityMatrix").Allow(Policies.HqItManager).WithSummary("Replace the priority matrix (HQ ItManager)")
            .Produces<PriorityMatrixBody>().ProducesValidationProblem().ProducesProblem(403);
        sla.MapGet("/notifications", Notifications).WithName("ListNotifications")
            .WithSummary("SLA warnings and breaches, and missed inspection runs, for the caller: its groups, and (service desk, IT managers) the units in its scope")
            .Produces<NotificationPage>().ProducesValidationProblem();
        return api;
    }

    public static async Task<IResult> TicketClocks(long id, ClaimsPrincipal user, TicketStore tickets, SlaStore store, SlaEngine engine,
        TimeProvider clock, CancellationToken ct)
    {
        var ticket = await tickets.GetAsync(id, user.Actor(), ct);
        if (ticket is null) return TicketsApi.NotFound(id);
        var calendars = await engine.CalendarsAsync(ct);
        var now = clock.GetUtcNow();
        var clocks = (await store.ClocksAsync(id, ct)).Select(c =>
        {
            var elapsed = (int)Math.Floor(c.ElapsedAt(c.StoppedAt ?? now, calendars[c.Calendar]));
            return new ClockView(c.Id, c.Kind, c.State, c.Calendar, c.TargetMinutes, c.PolicyVersion, c.StartedAt, c.StoppedAt, c.DueAt,
                c.WarnAt, c.Warned, c.BreachedAt, elapsed, c.TargetMinutes - elapsed, c.Segments);
        }).ToList();
        return TypedResults.Ok(new TicketSlaResponse(id, ticket.SlaPolicyVersion, ticket.SlaState, clocks));
    }

    public static async Task<SlaPolicy> GetPolicy(SlaEngine engine, CancellationToken ct) => (await engine.ContextAsync(null, ct)).Policy;

    public static async Task<IResult> PutPolicy(SlaPolicyRequest body, ClaimsPrincipal user, SlaEngine engine, SlaStore store,
        TimeProvider clock, CancellationToken ct)
    {
        var policy = new SlaPolicy(0, body.Rules, body.PauseIn, body.WarnAtPercent, body.ConfirmationWindowDays, body.ConfirmationCalendar);
        var errors = policy.Validate((await engine.CalendarsAsync(ct)).Keys.ToHashSet());
        if (errors.Count > 0) return Invalid(errors);
        var stored = await store.AddPolicyVersionAsync(policy, user.Actor().UserId, clock.GetUtcNow(), ct);
        engine.PolicyChanged();
        return TypedResults.Ok(stored);
    }

    public static async Task<IResult> Preview(PreviewRequest body, SlaEngine engine, CancellationToken ct)
    {
        if (body.Minutes is < 0 or > SlaPolicy.MaxTargetMinutes)
            return ProblemResults.Invalid("minutes", $"minutes must be between 0 and {SlaPolicy.MaxTargetMinutes}.");
        // Business-minute arithmetic walks days from the start: keep it to instants a ticket can have, far from the calendar's ends.
        if (body.Start!.Value.UtcDateTime.Year is < 2000 or > 2100)
            return ProblemResults.Invalid("start", "start must lie between the years 2000 and 2100.");
        if (!(await engine.CalendarsAsync(ct)).TryGetValue(body.Calendar, out var calendar))
            return ProblemResults.Unprocessable("calendar", $"Calendar '{body.Calendar}' does not exist.");
        try
        {
            var due = calendar.AddBusinessMinutes(body.Start!.Value, body.Minutes!.Value);
            return TypedResults.Ok(new PreviewResponse(TimeZoneInfo.ConvertTime(due, calendar.TimeZone)));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Holidays can still leave too little working time for the budget within the calendar arithmetic's range.
            return ProblemResults.Unprocessable("minutes", $"Calendar '{body.Calendar}' has too little working time to spend {body.Minutes} minutes.");
        }
    }

    public static async Task<IReadOnlyList<CalendarView>> Calendars(SlaStore store, CancellationToken ct) =>
        (await store.CalendarsAsync(ct)).Select(c => new CalendarView(c.Code, c.Definition)).ToList();

    public static async Task<IResult> GetCalendar(string code, SlaStore store, CancellationToken ct) =>
        (await store.CalendarsAsync(ct)).FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase)) is { Code: not null } found
            ? TypedResults.Ok(new CalendarView(found.Code, found.Definition))
            : ProblemResults.NotFound($"Calendar '{code}' does not exist.");

    public static async Task<IResult> PutCalendar(string code, CalendarDefinition body, ClaimsPrincipal user, SlaStore store, SlaEngine engine,
        TimeProvider clock, CancellationToken ct)
    {
        if (!CalendarCode().IsMatch(code)) return ProblemResults.Invalid("code", "A calendar code is 1–32 letters, digits or hyphens.");
        if (body.Name is { } name && !PlainTextAttribute.IsPlain(name, multiline: false))
            return ProblemResults.Invalid("name", "name must not contain control characters or bidirectional overrides.");
        var definition = body with { Week = body.Week ?? new Dictionary<string, IReadOnlyList<PeriodDefinition>>() };
        var errors = definition.Validate();
        if (errors.Count > 0) return Invalid(errors);
        // Codes are one per calendar whatever their case (SQL Server's default collation ignores case): "tiny" replaces "TINY".
        code = (await store.CalendarsAsync(ct)).Select(c => c.Code).FirstOrDefault(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase)) ?? code;
        var created = await store.SaveCalendarAsync(code, definition, clock.GetUtcNow(), ct);
        engine.CalendarsChanged();
        var view = new CalendarView(code, definition);
        return created ? TypedResults.Created($"/api/v1/calendars/{code}", view) : TypedResults.Ok(view);
    }

    public static async Task<PriorityMatrixBody> GetMatrix(OrganisationStore organisation, CancellationToken ct) =>
        new((await organisation.PriorityMatrixAsync(ct)).Cells.ToList());

    public static async Task<IResult> PutMatrix(PriorityMatrixBody body, ClaimsPrincipal user, SlaStore store, OrganisationStore organisation, CancellationToken ct)
    {
        if (body.Cells.GroupBy(c => (c.Impact, c.Urgency)).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            return ProblemResults.Invalid("cells", $"{duplicate.Key.Impact}×{duplicate.Key.Urgency} is given twice.");
        PriorityMatrix matrix;
        try { matrix = new PriorityMatrix(body.Cells); }
        catch (ArgumentException e) { return ProblemResults.Invalid("cells", e.Message); }
        await store.SavePriorityMatrixAsync(matrix, ct);
        organisation.ReferenceDataChanged();
        return TypedResults.Ok(new PriorityMatrixBody(matrix.Cells.ToList()));
    }

    public static async Task<IResult> Notifications(ClaimsPrincipal user, SlaStore store, int? limit, string? cursor, CancellationToken ct)
    {
        var (size, before, problem) = Paging.Parse(limit, cursor);
        if (problem is not null) return problem;
        var items = await store.NotificationsForAsync(user.Actor(), before, size + 1, ct);
        var page = items.Take(size).Select(n => new NotificationView(n.Id, n.TicketId, n.InspectionRunId, n.Subject, n.Type, n.RecipientKind, n.Recipient, n.CreatedAt,
            JsonSerializer.Deserialize<JsonElement>(n.Details))).ToList();
        return TypedResults.Ok(new NotificationPage(page, items.Count > size ? Cursor.Encode(page[^1].Id) : null));
    }

    private static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            type: ProblemResults.TypeOf("validation"), title: "The request is not valid");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    private static partial Regex CalendarCode();
}
