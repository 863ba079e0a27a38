using Itsm.Domain.Search;

namespace Itsm.Api.Tests.Search;

[TestFixture]
public sealed class SearchTermsTests
{
    [Test]
    public void Of_ChineseRun_IsOverlappingBigrams()
    {
        Assert.That(SearchTerms.Of("差旅报销单无法提交"), Is.EqualTo(new[] { "差旅", "旅报", "报销", "销单", "单无", "无法", "法提", "提交" }));
    }

    [Test]
    public void Of_LoneChineseCharacter_IsItself()
    {
        Assert.That(SearchTerms.Of("单"), Is.EqualTo(new[] { "单" }));
        Assert.That(SearchTerms.Of("报销，单"), Is.EqualTo(new[] { "报销", "单" }), "punctuation ends a run");
    }

    [Test]
    public void Of_MixedText_SplitsWordsFromCjkRunsAndLowerCases()
    {
        Assert.That(SearchTerms.Of("ERP系统登录失败 Posting FAILS"), Is.EqualTo(new[] { "erp", "系统", "统登", "登录", "录失", "失败", "posting", "fails" }));
    }

    [TestCase("JS-2026-000123", "ERP 2026 posting fails", "差旅报销单无法提交 js 000123", null)]
    [TestCase("ZJ-2026-000001", "Ｅｒｐ１２３ full-width", null, "Fixed: js-2026 again 2026")]
    [TestCase("JS-2026-000002", "", "", "")]
    public void FieldTerms_FromTheTextsTermsWorkedOutBeforeTheNumber_AreTheSameAsFromTheWholeText(string number, string title, string? description,
        string? resolution)
    {
        // A new ticket's text is tokenised before its number exists (outside the single writer); the result must not differ.
        Assert.That(Itsm.Infrastructure.Search.SearchIndex.FieldTerms(number, Itsm.Infrastructure.Search.SearchIndex.TextTerms(title, description, resolution)),
            Is.EqualTo(Itsm.Infrastructure.Search.SearchIndex.FieldTerms(number, title, description, resolution)));
    }

    [Test]
    public void Of_TicketNumber_IsAWholeTermAndItsParts()
    {
        Assert.That(SearchTerms.Of("JS-2026-000123"), Is.EqualTo(new[] { "js-2026-000123", "js", "2026", "000123" }));
        Assert.That(SearchTerms.Of("a--b -c d-"), Is.EqualTo(new[] { "a", "b", "c", "d" }), "only one hyphen between two words joins them");
    }

    [Test]
    public void Of_SearchSyntaxAndControlCharacters_AreSeparatorsOrPlainWords()
    {
        Assert.That(SearchTerms.Of("\"报销\" OR NEAR(x* -y) {col}: ^\u0000\u0007z"),
            Is.EqualTo(new[] { "报销", "or", "near", "x", "y", "col", "z" }));
        Assert.That(SearchTerms.Of("\"* - ( ) : ^ \u0001"), Is.Empty);
    }

    [Test]
    public void Of_FullWidthLettersAndDigits_AreTheirOrdinaryForms()
    {
        Assert.That(SearchTerms.Of("ＥＲＰ１２３"), Is.EqualTo(new[] { "erp123" }));
    }

    [Test]
    public void Of_RepeatedTerm_IsListedOnce()
    {
        Assert.That(SearchTerms.Of("lock LOCK Lock 报销报销"), Is.EqualTo(new[] { "lock", "报销", "销报" }));
    }

    [Test]
    public void Of_VeryLongWord_IsCutWithoutSplittingACharacter()
    {
        var terms = SearchTerms.Of(new string('a', 63) + "𐐀b");
        Assert.That(terms.Single(), Has.Length.EqualTo(63), "the surrogate pair would straddle the limit, so it is left out whole");
        Assert.That(SearchTerms.Of(new string('x', 100)).Single(), Has.Length.EqualTo(SearchTerms.MaxTermLength));
    }

    [Test]
    public void Of_ExtensionBIdeographs_AreBigrams()
    {
        Assert.That(SearchTerms.Of("𠀀𠀁𠀂"), Is.EqualTo(new[] { "𠀀𠀁", "𠀁𠀂" }));
    }

    [Test]
    public void Of_NothingToSearch_IsEmpty()
    {
        Assert.That(SearchTerms.Of(null), Is.Empty);
        Assert.That(SearchTerms.Of("   \t\n"), Is.Empty);
    }
}
