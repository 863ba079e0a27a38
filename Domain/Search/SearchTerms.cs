using System.Globalization;
using System.Text;

namespace Itsm.Domain.Search;

/// <summary>
/// Turns text into search terms, the same way for what is indexed and for what is asked. Chinese, Japanese and Korean
/// have no spaces between words, so their runs become overlapping two-character terms (差旅报销 → 差旅 旅报 报销; the
/// approach of Lucene's CJK analyser), and a two-character word is found wherever it occurs; a lone character stays
/// itself. Other text becomes lower-cased words of letters and digits; a hyphenated word such as a ticket number
/// (JS-2026-000123) is a term whole and each of its parts is one too.
/// </summary>
public static class SearchTerms
{
    /// <summary>Longest term in UTF-16 code units: longer words are cut here, in the index and in queries alike.</summary>
    public const int MaxTermLength = 64;

    /// <summary>The distinct terms of <paramref name="text"/>, in the order they first occur.</summary>
    public static IReadOnlyList<string> Of(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrEmpty(text)) return terms;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Full-width letters and digits (ＥＲＰ１２３) and other compatibility forms become their ordinary forms.
        var normal = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var runes = normal.EnumerateRunes().ToList();
        var i = 0;
        while (i < runes.Count)
        {
            if (IsCjk(runes[i]))
            {
                var start = i;
                while (i < runes.Count && IsCjk(runes[i])) i++;
                if (i - start == 1) Add(runes[start].ToString());
                for (var j = start; j + 1 < i; j++) Add(runes[j].ToString() + runes[j + 1]);
            }
            else if (IsWordRune(runes[i]))
            {
                var parts = new List<string>();
                while (true)
                {
                    var word = new StringBuilder();
                    while (i < runes.Count && IsWordRune(runes[i])) word.Append(Rune.ToLowerInvariant(runes[i++]).ToString());
                    parts.Add(word.ToString());
                    // One hyphen between two words joins them (a ticket number, e-mail); anything else ends the word.
                    if (i + 1 < runes.Count && runes[i].Value == '-' && IsWordRune(runes[i + 1])) i++;
                    else break;
                }
                if (parts.Count > 1) Add(string.Join('-', parts));
                foreach (var part in parts) Add(part);
            }
            else i++;
        }
        return terms;

        void Add(string term)
        {
            term = Cut(term);
            if (seen.Add(term)) terms.Add(term);
        }
    }

    /// <summary>The terms as one space-separated text, as the index stores them.</summary>
    public static string Joined(string? text) => string.Join(' ', Of(text));

    private static string Cut(string term)
    {
        if (term.Length <= MaxTermLength) return term;
        var end = MaxTermLength;
        if (char.IsHighSurrogate(term[end - 1])) end--;
        return term[..end];
    }

    private static bool IsWordRune(Rune rune) =>
        !IsCjk(rune) && (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);

    /// <summary>Han ideographs, kana and hangul: the scripts written without spaces between words.</summary>
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x2E80 and <= 0x2FDF => true, // radicals
        >= 0x3005 and <= 0x3007 => true, // 々 〆 〇
        >= 0x3040 and <= 0x30FF => true, // hiragana, katakana
        >= 0x3100 and <= 0x312F => true, // bopomofo
        >= 0x3130 and <= 0x318F => true, // hangul compatibility jamo
        >= 0x31F0 and <= 0x31FF => true, // katakana extensions
        >= 0x3400 and <= 0x4DBF => true, // extension A
        >= 0x4E00 and <= 0x9FFF => true, // unified ideographs
        >= 0xAC00 and <= 0xD7AF => true, // hangul syllables
        >= 0xF900 and <= 0xFAFF => true, // compatibility ideographs
        >= 0x20000 and <= 0x323AF => true, // extensions B–H
        _ => false,
    };
}
