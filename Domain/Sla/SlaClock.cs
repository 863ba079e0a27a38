using Itsm.Domain.Tickets;

namespace Itsm.Domain.Sla;

public enum ClockKind
{
    /// <summary>From the request to triage.</summary>
    Response,
    /// <summary>From the request to resolution, paused in the pause states, continued on reopen.</summary>
    Resolution,
    /// <summary>Headquarters' line 3 (an OLA): from escalation to HQ's return or resolution.</summary>
    HqResolution,
}

/// <summary>Running ⇄ Paused → Met | Breached; <see cref="Stopped"/> when the ticket ends unresolved (cancelled, rejected).</summary>
public enum ClockState { Running, Paused, Met, Breached, Stopped }

/// <summary>A stretch of a clock's life: running, or paused with the reason (the ticket's status).</summary>
public sealed record ClockSegment(DateTimeOffset From, DateTimeOffset? To, bool Running, string? Reason);

/// <summary>What a clock can tell about its target: 75 % used (by default), or missed.</summary>
public enum SlaEventType
{
    Warning,
    Breached,
}

public static class SlaEventTypes
{
    /// <summary>The event's name in history, notifications and the outbox: <c>sla.warning</c>, <c>sla.breached</c>.</summary>
    public static string Name(this SlaEventType type) => type switch
    {
        SlaEventType.Warning => "sla.warning",
        SlaEventType.Breached => "sla.breached",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string name, out SlaEventType type)
    {
        foreach (var candidate in Enum.GetValues<SlaEventType>())
            if (candidate.Name() == name)
            {
                type = candidate;
                return true;
            }
        type = default;
        return false;
    }
}

/// <summary>Something the scheduler or a transition must record: a warning or a breach.</summary>
public sealed record ClockEvent(SlaClock Clock, SlaEventType Type, DateTimeOffset Deadline);

/// <summary>
/// One service-level clock of a ticket. Elapsed business time is summed over its running segments on its calendar;
/// while it runs it knows when it will warn and when it will breach, and <see cref="NextDeadline"/> (indexed) is the
/// earlier of the two that has not happened yet.
/// </summary>
public sealed class SlaClock
{
    private List<ClockSegment> _segments = [];

    private SlaClock() { }

    public long Id { get; private set; }
    public long TicketId { get; private set; }
    public ClockKind Kind { get; private set; }
    public string Calendar { get; private set; } = "";
    public int TargetMinutes { get; private set; }
    public int PolicyVersion { get; private set; }
    public int WarnAtPercent { get; private set; }
    public ClockState State { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? StoppedAt { get; private set; }
    public double ElapsedMinutes { get; private set; }
    public DateTimeOffset? RunningSince { get; private set; }
    public DateTimeOffset? WarnAt { get; private set; }
    public DateTimeOffset? DueAt { get; private set; }
    public bool Warned { get; private set; }
    public DateTimeOffset? BreachedAt { get; private set; }
    public DateTimeOffset? NextDeadline { get; private set; }
    public bool Changed { get; private set; }

    public IReadOnlyList<ClockSegment> Segments => _segments;

    public bool IsRunning => RunningSince is not null;

    public bool IsBreached => State == ClockState.Breached;

    public static SlaClock Start(long ticketId, ClockKind kind, string calendar, int targetMinutes, int policyVersion, int warnAtPercent,
        DateTimeOffset at, BusinessCalendar businessCalendar)
    {
        var clock = new SlaClock
        {
            TicketId = ticketId, Kind = kind, Calendar = calendar, TargetMinutes = targetMinutes, PolicyVersion = policyVersion,
            WarnAtPercent = warnAtPercent, State = ClockState.Running, StartedAt = at, RunningSince = at, Changed = true,
        };
        clock._segments.Add(new ClockSegment(at, null, true, null));
        clock.Schedule(businessCalendar);
        return clock;
    }

    /// <summary>Restores a stored clock.</summary>
    public static SlaClock Restore(long id, long ticketId, ClockKind kind, string calendar, int targetMinutes, int policyVersion, int warnAtPercent,
        ClockState state, DateTimeOffset startedAt, DateTimeOffset? stoppedAt, double elapsedMinutes, DateTimeOffset? runningSince,
        DateTimeOffset? warnAt, DateTimeOffset? dueAt, bool warned, DateTimeOffset? breachedAt, DateTimeOffset? nextDeadline,
        IEnumerable<ClockSegment> segments) => new()
    {
        Id = id, TicketId = ticketId, Kind = kind, Calendar = calendar, TargetMinutes = targetMinutes, PolicyVersion = policyVersion,
        WarnAtPercent = warnAtPercent, State = state, StartedAt = startedAt, StoppedAt = stoppedAt, ElapsedMinutes = elapsedMinutes,
        RunningSince = runningSince, WarnAt = warnAt, DueAt = dueAt, Warned = warned, BreachedAt = breachedAt, NextDeadline = nextDeadline,
        _segments = segments.ToList(),
    };

    public void Identify(long id, long ticketId) => (Id, TicketId) = (id, ticketId);

    public void Saved() => Changed = false;

    /// <summary>Business minutes used so far (up to <paramref name="now"/> while running).</summary>
    public double ElapsedAt(DateTimeOffset now, BusinessCalendar calendar) =>
        ElapsedMinutes + (RunningSince is { } since ? calendar.BusinessTimeBetween(since, now).TotalMinutes : 0);

    public void Pause(DateTimeOffset at, string reason, BusinessCalendar calendar)
    {
        if (!IsRunning || StoppedAt is not null) return;
        Accumulate(at, calendar);
        _segments.Add(new ClockSegment(at, null, false, reason));
        if (State == ClockState.Running) State = ClockState.Paused;
        Schedule(calendar);
    }

    public void Resume(DateTimeOffset at, BusinessCalendar calendar)
    {
        if (IsRunning || StoppedAt is not null) return;
        CloseSegment(at);
        _segments.Add(new ClockSegment(at, null, true, null));
        RunningSince = at;
        if (State == ClockState.Paused) State = ClockState.Running;
        Schedule(calendar);
    }

    /// <summary>Stops the clock: Met, or Breached if the target ran out (then a breach not yet recorded is returned to record).</summary>
    public ClockEvent? Stop(DateTimeOffset at, BusinessCalendar calendar, bool resolved = true)
    {
        if (StoppedAt is not null) return null;
        var due = DueAt ?? at;
        if (IsRunning) Accumulate(at, calendar);
        else CloseSegment(at);
        StoppedAt = at;
        ClockEvent? unrecordedBreach = null;
        if (State != ClockState.Breached && ElapsedMinutes >= TargetMinutes)
        {
            BreachedAt = due < at ? due : at;
            State = ClockState.Breached;
            unrecordedBreach = new ClockEvent(this, SlaEventType.Breached, BreachedAt.Value);
        }
        else if (State != ClockState.Breached) State = resolved ? ClockState.Met : ClockState.Stopped;
        Schedule(calendar);
        return unrecordedBreach;
    }

    /// <summary>A reopened ticket continues its resolution clock where it stopped.</summary>
    public void Reopen(DateTimeOffset at, BusinessCalendar calendar)
    {
        if (StoppedAt is null) return;
        StoppedAt = null;
        _segments.Add(new ClockSegment(at, null, true, null));
        RunningSince = at;
        if (State != ClockState.Breached) State = ClockState.Running;
        Schedule(calendar);
    }

    /// <summary>New target (e.g. triage changed the priority): the time already used counts against it.</summary>
    public void Retarget(string calendarCode, int targetMinutes, DateTimeOffset at, BusinessCalendar oldCalendar, BusinessCalendar newCalendar)
    {
        if (StoppedAt is not null || (calendarCode == Calendar && targetMinutes == TargetMinutes)) return;
        if (IsRunning)
        {
            Accumulate(at, oldCalendar);
            _segments.Add(new ClockSegment(at, null, true, null));
            RunningSince = at;
        }
        (Calendar, TargetMinutes) = (calendarCode, targetMinutes);
        Schedule(newCalendar);
    }

    /// <summary>What has become due by <paramref name="now"/>: the warning (75 %) and the breach (100 %), each once.</summary>
    public IReadOnlyList<ClockEvent> Tick(DateTimeOffset now, BusinessCalendar calendar)
    {
        var events = new List<ClockEvent>();
        if (!Warned && WarnAt is { } warnAt && warnAt <= now && State != ClockState.Breached)
        {
            Warned = true;
            events.Add(new ClockEvent(this, SlaEventType.Warning, warnAt));
        }
        if (State == ClockState.Running && DueAt is { } due && due <= now)
        {
            State = ClockState.Breached;
            BreachedAt = due;
            events.Add(new ClockEvent(this, SlaEventType.Breached, due));
        }
        if (events.Count > 0)
        {
            Changed = true;
            Schedule(calendar);
        }
        return events;
    }

    private void Accumulate(DateTimeOffset at, BusinessCalendar calendar)
    {
        ElapsedMinutes += calendar.BusinessTimeBetween(RunningSince!.Value, at).TotalMinutes;
        RunningSince = null;
        CloseSegment(at);
    }

    private void CloseSegment(DateTimeOffset at)
    {
        if (_segments.Count > 0 && _segments[^1].To is null) _segments[^1] = _segments[^1] with { To = at };
    }

    /// <summary>Works out when the clock warns and breaches if it keeps running, and the next of those still to come.</summary>
    private void Schedule(BusinessCalendar calendar)
    {
        Changed = true;
        if (RunningSince is not { } since || StoppedAt is not null)
        {
            (WarnAt, DueAt, NextDeadline) = (null, null, null);
            return;
        }
        DueAt = calendar.AddBusinessMinutes(since, Math.Max(TargetMinutes - ElapsedMinutes, 0));
        WarnAt = Warned ? null : calendar.AddBusinessMinutes(since, Math.Max(TargetMinutes * WarnAtPercent / 100.0 - ElapsedMinutes, 0));
        NextDeadline = State == ClockState.Breached ? null : Warned ? DueAt : WarnAt;
    }
}
