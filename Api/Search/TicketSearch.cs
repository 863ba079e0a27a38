using Itsm.Api.Problems;
using Itsm.Domain.Search;

namespace Itsm.Api.Search;

/// <summary>The <c>q</c> parameter of the ticket list: its terms, or the problem with it.</summary>
public static class TicketSearch
{
    public const int MaxLength = 200;

    /// <summary>No <c>q</c> (or an empty one): no search. A <c>q</c> without a single word or CJK character is refused rather
    /// than answered with every ticket or with none, so a client learns its query was not one.</summary>
    public static (IReadOnlyList<string>? Terms, IResult? Problem) Parse(string? q)
    {
        if (string.IsNullOrEmpty(q)) return (null, null);
        if (q.Length > MaxLength) return (null, ProblemResults.Invalid("q", $"q must be at most {MaxLength} characters."));
        var terms = SearchTerms.Of(q);
        return terms.Count == 0
            ? (null, ProblemResults.Invalid("q", "q holds no word to search for (letters, digits or CJK characters)."))
            : (terms, null);
    }
}
