using System.Text;

namespace Itsm.Api.Csv;

/// <summary>One record of an imported CSV file, with the physical line it starts on (1 = the header).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>A CSV file that could not be read as RFC 4180 text (an unterminated quote, text after a closing quote).</summary>
public sealed class CsvFormatException(int line, string reason) : Exception($"line {line}: {reason}")
{
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads RFC 4180 CSV (comma-separated, double-quoted fields with "" inside, CRLF or LF line ends, an optional UTF-8 byte
/// order mark as Excel writes it). Blank lines are skipped. Lines are counted physically, so a line number in an error
/// is the one an editor shows, even after a quoted field that spans lines.
/// </summary>
public static class CsvDocument
{
    /// <summary>The records of <paramref name="reader"/>, the header first; throws <see cref="CsvFormatException"/>.</summary>
    public static async IAsyncEnumerable<CsvRecord> ReadAsync(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool quoted = false, afterQuote = false, any = false, first = true;
        var buffer = new char[16384];
        int read;
        char previous = '\0';
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (first) { first = false; if (c == '\uFEFF') continue; }
                if (quoted)
                {
                    if (c == '"') { quoted = false; afterQuote = true; }
                    else { if (c == '\n') line++; field.Append(c); }
                }
                else if (afterQuote && c == '"') { field.Append('"'); quoted = true; afterQuote = false; }
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); afterQuote = false; any = true; }
                else if (c is '\n' or '\r')
                {
                    if (c == '\n' && previous == '\r') { previous = c; continue; }
                    if (any || field.Length > 0 || afterQuote)
                    {
                        fields.Add(field.ToString());
                        yield return Record(recordLine, fields);
                    }
                    fields.Clear(); field.Clear(); any = afterQuote = false;
                    line++;
                    recordLine = line;
                }
                else if (afterQuote) throw new CsvFormatException(line, "text after a closing quote (a quote inside a field is written \"\")");
                else if (c == '"' && field.Length == 0) { quoted = true; any = true; }
                else field.Append(c);
                previous = c;
            }
        }
        if (quoted) throw new CsvFormatException(recordLine, "a quoted field is not closed");
        if (any || field.Length > 0 || afterQuote)
        {
            fields.Add(field.ToString());
            yield return Record(recordLine, fields);
        }
    }

    /// <summary>
    /// A record's fields as the text they stand for (<see cref="Text"/>). Bytes that are not UTF-8 were read as U+FFFD
    /// (the readers decode with replacement), so the line that holds them is named, not the first one.
    /// </summary>
    private static CsvRecord Record(int line, List<string> fields)
    {
        var texts = new string[fields.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            if (fields[i].Contains('\uFFFD')) throw new CsvFormatException(line, "the line is not UTF-8 text (save the file as CSV UTF-8)");
            texts[i] = Text(fields[i]);
        }
        return new CsvRecord(line, texts);
    }

    /// <summary>
    /// The text a field stands for: an export writes a cell that a spreadsheet would run as a formula with a leading
    /// apostrophe (<see cref="Field"/>); reading drops that apostrophe again, so an export imports as it was.
    /// </summary>
    public static string Text(string field) => field.Length > 1 && field[0] == '\'' && NeedsDefusing(field.AsSpan(1)) ? field[1..] : field;

    /// <summary>One field as CSV: quoted when it holds a comma, quote or line break.</summary>
    public static string Field(string? value)
    {
        value ??= "";
        value = Defused(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>
    /// A spreadsheet runs a cell that starts with =, +, - or @ as a formula (CSV injection): such text, unless it is a
    /// number, is written with a leading apostrophe, which spreadsheets show as text and do not display.
    /// </summary>
    private static string Defused(string value) => NeedsDefusing(value) ? "'" + value : value;

    /// <summary>
    /// Such text, or text that starts with an apostrophe before such text (so that <see cref="Text"/>, which drops one
    /// apostrophe, gives it back unchanged).
    /// </summary>
    private static bool NeedsDefusing(ReadOnlySpan<char> value) =>
        value.Length > 0 && (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(value, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out _) || value[0] == '\'' && NeedsDefusing(value[1..]));
}
