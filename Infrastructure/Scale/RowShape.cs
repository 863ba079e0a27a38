using System.Globalization;
using System.Text.RegularExpressions;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Scale;

/// <summary>
/// A statement's parameters in the order SQLite numbers them (their first appearance in the text), so that a row can be
/// bound by position: <see cref="Values"/> reads them from a row object, <see cref="Stored"/> turns each value into what
/// the stores store (instants as UTC text, enums by name, booleans as 0/1).
/// </summary>
public sealed partial class RowShape
{
    private readonly Dictionary<Type, Func<object, object?>?[]> _getters = [];

    public RowShape(string sql)
    {
        Sql = sql.Trim();
        Names = Parameter().Matches(Sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToArray();
    }

    public string Sql { get; }

    public IReadOnlyList<string> Names { get; }

    public int IndexOf(string name) =>
        Names.ToList().IndexOf(name) is var i and >= 0 ? i : throw new InvalidOperationException($"No @{name} in: {Sql}");

    /// <summary>The row's values in parameter order; a name the row has no property for is read from <paramref name="more"/>.</summary>
    public object?[] Values(object row, IReadOnlyDictionary<string, object?>? more = null)
    {
        var type = row.GetType();
        if (!_getters.TryGetValue(type, out var getters)) _getters[type] = getters = Getters(type, more?.Keys ?? []);
        var values = new object?[Names.Count];
        for (var i = 0; i < values.Length; i++) values[i] = getters[i] is { } get ? get(row) : more![Names[i]];
        return values;
    }

    /// <summary>A value as the stores store it.</summary>
    public static object? Stored(object? value) => value switch
    {
        null or string or long or double => value,
        DateTimeOffset d => DapperSetup.SqliteInstant(d),
        Enum e => e.ToString(),
        bool b => b ? 1L : 0L,
        int n => (long)n,
        byte b => (long)b,
        decimal m => (double)m,
        _ => throw new InvalidOperationException($"No stored form for {value.GetType().Name}: {Convert.ToString(value, CultureInfo.InvariantCulture)}"),
    };

    private Func<object, object?>?[] Getters(Type type, IEnumerable<string> more)
    {
        var extra = more.ToHashSet(StringComparer.Ordinal);
        var missing = Names.Where(n => type.GetProperty(n) is null && !extra.Contains(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"{type.Name} has no {string.Join(", ", missing)} for: {Sql}");
        return Names.Select(name =>
        {
            return type.GetProperty(name) is { } property ? PropertyGetter.Compile(type, property) : null;
        }).ToArray();
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex Parameter();
}
