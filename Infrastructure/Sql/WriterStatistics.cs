using System.Diagnostics;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// Counters of the single writer (SQLite): groups committed, units of work run, and the time spent opening and beginning
/// a group, running its units, and committing it (the fsync). Read them twice and subtract to measure a period.
/// </summary>
public sealed class WriterStatistics
{
    private long _groups, _units, _opening, _working, _committing, _rerun;

    public long Groups => Interlocked.Read(ref _groups);

    public long Units => Interlocked.Read(ref _units);

    /// <summary>Groups rolled back because a statement left to their end failed, whose units then ran one by one.</summary>
    public long RunUnitByUnit => Interlocked.Read(ref _rerun);

    internal void RanUnitByUnit() => Interlocked.Increment(ref _rerun);

    public TimeSpan Opening => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _opening));

    public TimeSpan Working => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _working));

    public TimeSpan Committing => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _committing));

    /// <summary>One group: started, its units began (0: never), its commit began (0: never), it ended (timestamps).</summary>
    internal void Add(int units, long started, long worked, long committing, long ended)
    {
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _units, units);
        var (work, commit) = (worked == 0 ? ended : worked, committing == 0 ? ended : committing);
        Interlocked.Add(ref _opening, work - started);
        Interlocked.Add(ref _working, commit - work);
        Interlocked.Add(ref _committing, ended - commit);
    }
}
