using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;

namespace Itsm.Api.ServiceLevels;

public sealed record ClockView(
    long Id, ClockKind Kind, ClockState State, string Calendar, int TargetMinutes, int PolicyVersion,
    DateTimeOffset StartedAt, DateTimeOffset? StoppedAt, DateTimeOffset? DueAt, DateTimeOffset? WarnAt, bool Warned,
    DateTimeOffset? BreachedAt, int ElapsedBusinessMinutes, int RemainingBusinessMinutes, IReadOnlyList<ClockSegment> Segments);

/// <summary>A ticket's service-level clocks: remaining minutes are negative once a target is overrun.</summary>
public sealed record TicketSlaResponse(long TicketId, int PolicyVersion, SlaState SlaState, IReadOnlyList<ClockView> Clocks);

/// <summary>The SLA policy in force; PUT stores it as a new version (tickets keep the version they started under).</summary>
public sealed record SlaPolicyRequest(
    [property: Required, MinLength(4), MaxLength(200)] IReadOnlyList<SlaRule> Rules,
    [property: Required] IReadOnlyList<TicketStatus> PauseIn,
    [property: Range(1, 99)] int WarnAtPercent = 75,
    [property: Range(1, 60)] int ConfirmationWindowDays = 5,
    [property: StringLength(32, MinimumLength = 1), PlainText] string ConfirmationCalendar = "CN-BUSINESS");

/// <param name="Calendar">Calendar code, e.g. <c>CN-BUSINESS</c>.</param>
/// <param name="Start">Where the clock starts (any offset).</param>
/// <param name="Minutes">Business minutes to add.</param>
public sealed record PreviewRequest(
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Calendar,
    [property: Required] DateTimeOffset? Start,
    [property: Required] int? Minutes);

/// <summary>The due instant, in the calendar's time zone.</summary>
public sealed record PreviewResponse(DateTimeOffset Due);

public sealed record CalendarView(string Code, CalendarDefinition Definition);

public sealed record PriorityMatrixBody([property: Required] IReadOnlyList<PriorityMatrixCell> Cells);

/// <summary>
/// A notification about a ticket (<c>ticketId</c>), an inspection run (<c>inspectionRunId</c>) or something else named by
/// <c>subject</c> (e.g. <c>account:ERP:zhangsan</c>, <c>access-review:7</c>).
/// </summary>
public sealed record NotificationView(long Id, long? TicketId, long? InspectionRunId, string? Subject, string Type, Itsm.Infrastructure.Sla.RecipientKind RecipientKind, string Recipient, DateTimeOffset CreatedAt,
    System.Text.Json.JsonElement Details);

public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, string? NextCursor) : Browser.ICursorPage;
