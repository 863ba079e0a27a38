using System.ComponentModel.DataAnnotations;

namespace Itsm.Api.Validation;

/// <summary>
/// Text a person reads: no control characters (long text may keep tab and line breaks) and no bidirectional overrides or
/// isolates (U+202A–U+202E, U+2066–U+2069), which can make a title or code display as something other than what it is.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    /// <summary>Long text: tab, CR and LF are allowed.</summary>
    public bool Multiline { get; init; }

    public static bool IsPlain(string text, bool multiline) => FirstBad(text, multiline) is null;

    public static int? FirstBad(string text, bool multiline)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var control = char.IsControl(c) && !(multiline && c is '\t' or '\r' or '\n');
            var bidi = c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
            if (control || bidi) return i;
        }
        return null;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string text || FirstBad(text, Multiline) is not { } at) return ValidationResult.Success;
        var name = validationContext.MemberName is { } member ? [member] : Array.Empty<string>();
        return new ValidationResult(
            $"{validationContext.DisplayName} contains U+{(int)text[at]:X4} at position {at}: control characters" +
            (Multiline ? " other than tab and line breaks" : "") + " and bidirectional overrides are not allowed.", name);
    }
}
