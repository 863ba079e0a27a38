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

    /// <summary>The usual extensions of each type the service keeps; the first is the one a name without any of them gets.</summary>
    private static readonly Dictionary<string, string[]> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = [".png"],
        ["image/jpeg"] = [".jpg", ".jpeg", ".jpe", ".jfif"],
        ["image/gif"] = [".gif"],
        ["image/webp"] = [".webp"],
        ["image/bmp"] = [".bmp"],
        ["application/pdf"] = [".pdf"],
        ["application/zip"] = [".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"],
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = [".docx"],
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = [".xlsx"],
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = [".pptx"],
        ["application/x-ole-storage"] = [".doc", ".xls", ".ppt", ".msg", ".vsd"],
        ["text/plain"] = [".txt", ".text", ".log", ".md", ".json", ".yaml", ".yml", ".ini", ".conf", ".cfg"],
        ["text/csv"] = [".csv"],
    };

    /// <summary>
    /// The name kept and sent back for a file of <paramref name="mediaType"/> (as detected from its bytes): its own name when
    /// its extension is a usual one of that type, else that name with the type's extension added (<c>evil.hta</c> →
    /// <c>evil.hta.txt</c>), so that a saved download never opens with a program of another type.
    /// </summary>
    public static string ForType(string name, string mediaType)
    {
        if (!Extensions.TryGetValue(mediaType, out var usual)) return name;
        if (usual.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase) && name.Length > e.Length)) return name;
        var extension = usual[0];
        return (name.Length + extension.Length > MaxLength ? name[..(MaxLength - extension.Length)] : name) + extension;
    }
}
