using System.Globalization;
using System.Text;

namespace Itsm.Domain.Attachments;

/// <summary>A file name as kept and sent back: no directories, no control or format characters (bidirectional overrides), at most 255 characters.</summary>
public static class FileNames
{
    public const int MaxLength = 255;

    public const string Fallback = "attachment";

    public static string Clean(string? raw)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator) continue;
            if (kept.Length + rune.Utf16SequenceLength > MaxLength) break;
            kept.Append(rune.ToString());
        }
        // Leading dots would hide the file or name a directory (".", ".."); trailing dots and spaces vanish on Windows.
        var cleaned = kept.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        return cleaned.Length == 0 ? Fallback : cleaned;
    }
}
