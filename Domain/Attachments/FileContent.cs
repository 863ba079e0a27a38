using System.Text;

namespace Itsm.Domain.Attachments;

/// <summary>What a file is, judged by its bytes (never by its declared type or its name), and whether the service keeps it.</summary>
public sealed record DetectedContent(string MediaType, bool Allowed);

/// <summary>
/// Reads a file as it streams in and says what it is by its signature ("magic bytes"): images, PDF, zip (Office Open XML
/// included), legacy Office, and text (valid UTF-8 without NULs). Executables, scripts and markup a browser could run (HTML,
/// SVG, XML) are refused; so is anything unrecognised. Only the first bytes are kept; the text check runs over every byte.
/// </summary>
public sealed class FileContent
{
    private const int HeadLength = 4096;
    private readonly byte[] _head = new byte[HeadLength];
    private int _headLength;
    private readonly Decoder _utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _chars = new char[8192];
    private bool _isText = true;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_headLength < HeadLength)
        {
            var take = Math.Min(chunk.Length, HeadLength - _headLength);
            chunk[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
        }
        if (!_isText) return;
        if (chunk.Contains((byte)0)) { _isText = false; return; }
        try
        {
            for (var rest = chunk; !rest.IsEmpty;)
            {
                _utf8.Convert(rest, _chars, flush: false, out var used, out _, out _);
                rest = rest[used..];
            }
        }
        catch (DecoderFallbackException)
        {
            _isText = false;
        }
    }

    /// <summary>What the file is, once every byte has been appended. <paramref name="name"/> only tells CSV from other text.</summary>
    public DetectedContent Detect(string name)
    {
        var head = _head.AsSpan(0, _headLength);
        if (Binary(head) is { } binary) return binary;
        if (!_isText || !Finished()) return new DetectedContent("application/octet-stream", false);
        return Markup(head) is { } markup ? new DetectedContent(markup, false)
            : head.StartsWith("#!"u8) ? new DetectedContent("text/x-script", false)
            : new DetectedContent(name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv" : "text/plain", true);
    }

    private bool Finished()
    {
        try
        {
            _utf8.Convert(ReadOnlySpan<byte>.Empty, _chars, flush: true, out _, out _, out _);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false; // a multi-byte character cut off at the end
        }
    }

    private static DetectedContent? Binary(ReadOnlySpan<byte> head) => head switch
    {
        _ when Starts(head, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) => new("image/png", true),
        _ when Starts(head, 0xFF, 0xD8, 0xFF) => new("image/jpeg", true),
        _ when head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8) => new("image/gif", true),
        _ when head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8) => new("image/webp", true),
        _ when head.Length >= 26 && head.StartsWith("BM"u8) && head[6..10].SequenceEqual(new byte[4]) => new("image/bmp", true),
        _ when head.StartsWith("%PDF-"u8) => new("application/pdf", true),
        _ when Starts(head, 0x50, 0x4B, 0x03, 0x04) || Starts(head, 0x50, 0x4B, 0x05, 0x06) => new(Zip(head), true),
        _ when Starts(head, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1) => new("application/x-ole-storage", true),
        _ when head.StartsWith("MZ"u8) => new("application/vnd.microsoft.portable-executable", false),
        _ when Starts(head, 0x7F, 0x45, 0x4C, 0x46) => new("application/x-elf", false),
        _ when Starts(head, 0xFE, 0xED, 0xFA, 0xCE) || Starts(head, 0xFE, 0xED, 0xFA, 0xCF)
               || Starts(head, 0xCE, 0xFA, 0xED, 0xFE) || Starts(head, 0xCF, 0xFA, 0xED, 0xFE)
               || Starts(head, 0xCA, 0xFE, 0xBA, 0xBE) => new("application/x-mach-binary", false),
        _ => null,
    };

    private static bool Starts(ReadOnlySpan<byte> head, params ReadOnlySpan<byte> signature) => head.StartsWith(signature);

    /// <summary>An Office Open XML document is a zip whose first entries name its parts.</summary>
    private static string Zip(ReadOnlySpan<byte> head) =>
        head.IndexOf("[Content_Types].xml"u8) < 0 ? "application/zip"
        : head.IndexOf("word/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        : head.IndexOf("xl/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : head.IndexOf("ppt/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        : "application/zip";

    /// <summary>Tags that make text a page or an image with scripts wherever they appear: a browser sniffing it would run them.</summary>
    private static readonly string[] ActiveTags = ["<script", "<html", "<svg", "<iframe", "<object"];

    /// <summary>
    /// Text a browser would render as a page or an image with scripts: HTML, SVG, any XML (starting with <c>&lt;</c> after any
    /// whitespace or control characters a browser skips), or text with an active tag anywhere in its first bytes.
    /// </summary>
    private static string? Markup(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head);
        var start = 0;
        while (start < text.Length && (char.IsWhiteSpace(text[start]) || char.IsControl(text[start]) || text[start] == '\uFEFF')) start++;
        text = text[start..];
        if (text.Contains("<svg", StringComparison.OrdinalIgnoreCase)) return "image/svg+xml";
        if (ActiveTags.Any(tag => text.Contains(tag, StringComparison.OrdinalIgnoreCase))) return "text/html";
        if (!text.StartsWith('<')) return null;
        return text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) ? "application/xml" : "text/html";
    }
}
