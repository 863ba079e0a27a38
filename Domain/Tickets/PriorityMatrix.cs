namespace Itsm.Domain.Tickets;

/// <summary>Impact × urgency → priority. The cells are data (stored, seeded with the defaults of docs/domain.md (Service levels)), not code.</summary>
public sealed class PriorityMatrix
{
    private readonly IReadOnlyDictionary<(Impact, Urgency), Priority> _cells;

    public PriorityMatrix(IEnumerable<PriorityMatrixCell> cells)
    {
        _cells = cells.ToDictionary(c => (c.Impact, c.Urgency), c => c.Priority);
        var missing = (from i in Enum.GetValues<Impact>() from u in Enum.GetValues<Urgency>()
                       where !_cells.ContainsKey((i, u)) select $"{i}×{u}").ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"The priority matrix has no cell for {string.Join(", ", missing)}.", nameof(cells));
    }

    public Priority PriorityOf(Impact impact, Urgency urgency) => _cells[(impact, urgency)];

    public IEnumerable<PriorityMatrixCell> Cells =>
        _cells.Select(c => new PriorityMatrixCell(c.Key.Item1, c.Key.Item2, c.Value))
              .OrderBy(c => c.Impact).ThenBy(c => c.Urgency);
}

public sealed record PriorityMatrixCell(Impact Impact, Urgency Urgency, Priority Priority);
