using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;

namespace Itsm.Api.Tests.Integrations;

/// <summary>The outbox's catalogue is tied to the actions: a new action must say what others hear about it.</summary>
[TestFixture]
public sealed class TicketEventCatalogueTests
{
    [Test]
    public void EveryAction_HasAnEventTypeOrIsDeclaredSilent()
    {
        var forgotten = Enum.GetValues<TicketAction>().Where(a => !TicketEvents.ByAction.ContainsKey(a) && !TicketEvents.Silent.Contains(a));

        Assert.That(forgotten, Is.Empty);
    }

    [Test]
    public void SilentActions_HaveNoEventType()
    {
        Assert.That(TicketEvents.Silent.Where(TicketEvents.ByAction.ContainsKey), Is.Empty);
    }

    [Test]
    public void HistoryEntries_MapToTheirActionsEventType_AndInternalOnesToNone()
    {
        var at = DateTimeOffset.UnixEpoch;
        HistoryEntry Entry(string action, bool @internal = false) => new(at, "someone", action, null, null, new Dictionary<string, object?>(), @internal);

        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.HqReturn.Name())), Is.EqualTo("ticket.hq_returned"));
        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.AutoClose.Name())), Is.EqualTo("ticket.closed"));
        Assert.That(TicketEvents.TypeOf(Entry("sla.breached")), Is.EqualTo("sla.breached"));
        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.Hold.Name())), Is.Null);
        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.Comment.Name(), @internal: true)), Is.Null);
        Assert.That(TicketEvents.TypeOf(Entry("hq.acknowledged")), Is.Null);
    }

    [Test]
    public void EventIds_SortAsTheirInstants_SoEachNewEventLandsAtTheEndOfTheOutboxIndex()
    {
        var start = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50)
            .Select(i => TicketEvents.ConfigurationImport("ERP", "JS", "/HQ/JS/", 1, "someone", start.AddMilliseconds(i * 7)).EventId).ToList();

        Assert.That(ids, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.All.Match("^evt_[0-9a-f]{32}$"));
    }

    [Test]
    public void Evaluations_ClosedOrSentBackToWork_AndOverdue_MapToTheirEvents()
    {
        var at = DateTimeOffset.UnixEpoch;
        HistoryEntry Entry(string action, TicketStatus? to) => new(at, "someone", action, TicketStatus.Resolved, to, new Dictionary<string, object?>());

        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.Confirm.Name(), TicketStatus.Closed)), Is.EqualTo("ticket.closed"));
        Assert.That(TicketEvents.TypeOf(Entry(TicketAction.Confirm.Name(), TicketStatus.InProgress)), Is.EqualTo("ticket.reopened"));
        Assert.That(TicketEvents.TypeOf(Entry(Ticket.EvaluationOverdueEvent, TicketStatus.Resolved)), Is.EqualTo("ticket.evaluation_overdue"));
    }
}

/// <summary>States and kinds the SQL names literally are the enums' own names, so renaming one cannot silently break a query.</summary>
[TestFixture]
public sealed partial class SqlVocabularyTests
{
    [Test]
    public void EscalationStates_NamedInTheHqStatements_AreEscalationStates()
    {
        var named = new Itsm.Infrastructure.Hq.HqSql(Itsm.Infrastructure.Sql.SqlDialect.Sqlite).All()
            .SelectMany(sql => StateLiteral().Matches(sql)).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.That(named, Is.Not.Empty);
        Assert.That(named, Is.SubsetOf(Enum.GetNames<Itsm.Domain.Escalations.EscalationState>()));
    }

    [Test]
    public void RecipientKinds_NamedInTheNotificationQuery_AreRecipientKinds()
    {
        var sql = new Itsm.Infrastructure.Sla.SlaSql(Itsm.Infrastructure.Sql.SqlDialect.Sqlite).Notifications(false);

        var named = KindLiteral().Matches(sql).Select(m => m.Groups[1].Value).ToList();

        Assert.That(named, Is.EquivalentTo(Enum.GetNames<Itsm.Infrastructure.Sla.RecipientKind>()));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"State\s*=\s*'(\w+)'")]
    private static partial System.Text.RegularExpressions.Regex StateLiteral();

    [System.Text.RegularExpressions.GeneratedRegex(@"RecipientKind\s*=\s*'(\w+)'")]
    private static partial System.Text.RegularExpressions.Regex KindLiteral();
}
