using System.Text.Json;
using System.Text.Json.Serialization;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;

namespace Itsm.Infrastructure.Sla;

/// <summary>
/// How calendars and SLA policies are stored: documents of their own, with names pinned here and a schema version, so
/// that renaming a property of the API's records cannot change what is written or make stored rows unreadable.
/// Rows written before the schema version existed have the same names and read as version 1.
/// </summary>
public static class StoredDocuments
{
    public const int CalendarSchema = 1;
    public const int PolicySchema = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    public static string Write(CalendarDefinition calendar) => JsonSerializer.Serialize(new StoredCalendar
    {
        SchemaVersion = CalendarSchema,
        Name = calendar.Name,
        TimeZone = calendar.TimeZone,
        Week = calendar.Week.ToDictionary(d => d.Key, d => d.Value.Select(p => new StoredPeriod { Start = p.Start, End = p.End }).ToList()),
        Holidays = calendar.Holidays?.ToList(),
        Workdays = calendar.Workdays?.ToList(),
    }, Json);

    public static CalendarDefinition ReadCalendar(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredCalendar>(json, Json) ?? throw new JsonException("A stored calendar is empty.");
        if (stored.SchemaVersion > CalendarSchema) throw new JsonException($"A stored calendar has schema {stored.SchemaVersion}, newer than this version reads.");
        return new CalendarDefinition(stored.Name, stored.TimeZone,
            stored.Week.ToDictionary(d => d.Key, d => (IReadOnlyList<PeriodDefinition>)d.Value.Select(p => new PeriodDefinition(p.Start, p.End)).ToList()),
            stored.Holidays, stored.Workdays);
    }

    public static string Write(SlaPolicy policy) => JsonSerializer.Serialize(new StoredPolicy
    {
        SchemaVersion = PolicySchema,
        Version = policy.Version,
        Rules = policy.Rules.Select(r => new StoredRule
        {
            Priority = r.Priority, ResponseMinutes = r.ResponseMinutes, ResolutionMinutes = r.ResolutionMinutes, Calendar = r.Calendar,
            Category = r.Category, Unit = r.Unit, HqMinutes = r.HqMinutes, AutoEscalateOnResolutionBreach = r.AutoEscalateOnResolutionBreach,
        }).ToList(),
        PauseIn = policy.PauseIn.ToList(),
        WarnAtPercent = policy.WarnAtPercent,
        ConfirmationWindowDays = policy.ConfirmationWindowDays,
        ConfirmationCalendar = policy.ConfirmationCalendar,
    }, Json);

    public static SlaPolicy ReadPolicy(string json, int version)
    {
        var stored = JsonSerializer.Deserialize<StoredPolicy>(json, Json) ?? throw new JsonException("A stored SLA policy is empty.");
        if (stored.SchemaVersion > PolicySchema) throw new JsonException($"A stored SLA policy has schema {stored.SchemaVersion}, newer than this version reads.");
        return new SlaPolicy(version,
            stored.Rules.Select(r => new SlaRule(r.Priority, r.ResponseMinutes, r.ResolutionMinutes, r.Calendar, r.Category, r.Unit, r.HqMinutes,
                r.AutoEscalateOnResolutionBreach)).ToList(),
            stored.PauseIn, stored.WarnAtPercent, stored.ConfirmationWindowDays, stored.ConfirmationCalendar);
    }

    private sealed class StoredCalendar
    {
        [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
        [JsonPropertyName("name")] public string Name { get; init; } = "";
        [JsonPropertyName("timeZone")] public string TimeZone { get; init; } = "";
        [JsonPropertyName("week")] public Dictionary<string, List<StoredPeriod>> Week { get; init; } = [];
        [JsonPropertyName("holidays")] public List<DateOnly>? Holidays { get; init; }
        [JsonPropertyName("workdays")] public List<DateOnly>? Workdays { get; init; }
    }

    private sealed class StoredPeriod
    {
        [JsonPropertyName("start")] public string Start { get; init; } = "";
        [JsonPropertyName("end")] public string End { get; init; } = "";
    }

    private sealed class StoredPolicy
    {
        [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
        [JsonPropertyName("version")] public int Version { get; init; }
        [JsonPropertyName("rules")] public List<StoredRule> Rules { get; init; } = [];
        [JsonPropertyName("pauseIn")] public List<TicketStatus> PauseIn { get; init; } = [];
        [JsonPropertyName("warnAtPercent")] public int WarnAtPercent { get; init; }
        [JsonPropertyName("confirmationWindowDays")] public int ConfirmationWindowDays { get; init; }
        [JsonPropertyName("confirmationCalendar")] public string ConfirmationCalendar { get; init; } = "";
    }

    private sealed class StoredRule
    {
        [JsonPropertyName("priority")] public Priority Priority { get; init; }
        [JsonPropertyName("responseMinutes")] public int ResponseMinutes { get; init; }
        [JsonPropertyName("resolutionMinutes")] public int ResolutionMinutes { get; init; }
        [JsonPropertyName("calendar")] public string Calendar { get; init; } = "";
        [JsonPropertyName("category")] public Category? Category { get; init; }
        [JsonPropertyName("unit")] public string? Unit { get; init; }
        [JsonPropertyName("hqMinutes")] public int? HqMinutes { get; init; }
        [JsonPropertyName("autoEscalateOnResolutionBreach")] public bool AutoEscalateOnResolutionBreach { get; init; }
    }
}
