using System.Text.Json;
using Itsm.Domain.Search;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;

namespace Itsm.Infrastructure.Scale;

/// <summary>A comment as the seed writes it (its history entry is among the ticket's).</summary>
public sealed record SeededComment(DateTimeOffset At, string AuthorId, CommentVisibility Visibility, string Body);

/// <summary>
/// A ticket as lived through the domain: identified, numbered, sequenced and at its final version, with its whole history,
/// its clocks and its comments; <paramref name="Subject"/> is which of the seed's subjects its title begins with.
/// </summary>
public sealed record SeededTicket(Ticket Ticket, IReadOnlyList<HistoryEntry> History, IReadOnlyList<SlaClock> Clocks, IReadOnlyList<SeededComment> Comments,
    int Subject);

/// <summary>
/// A seeded ticket's rows ready to bind: each row's values in its statement's parameter order, as stored (see
/// <see cref="BulkTicketWriter"/>'s shapes).
/// </summary>
public sealed record TicketRows(object?[] Ticket, object?[][] History, object?[][] Comments, object?[][] Clocks, object?[] Search);

/// <summary>What a later week needs to know of a first-week ticket to repeat its life (<see cref="BulkTicketWriter.Repeat"/>).</summary>
/// <param name="TextTerms">The search terms of its title, description and resolution, joined by spaces.</param>
/// <param name="Finished">Closed or cancelled: nothing of its life depends on when it is read (open tickets' clocks run up to now).</param>
/// <param name="LastAt">When the last thing happened to it.</param>
public sealed record LifeToRepeat(long Id, string UnitId, int Subject, string Title, string TextTerms, DateTimeOffset CreatedAt, DateTimeOffset LastAt,
    bool Finished, int HistoryEntries, int Comments, int Clocks);

/// <summary>A ticket lived through the domain, made into the rows the stores write.</summary>
public static class LivedTicket
{
    public static TicketRows Rows(SeededTicket seeded)
    {
        var (ticket, history, clocks, comments, _) = seeded;
        // As TicketStore writes a history entry.
        var historyRows = history.Select(entry => Stored(BulkTicketWriter.History.Values(new
        {
            TicketId = ticket.Id, entry.At, entry.ActorId, entry.Action, FromStatus = entry.From?.ToString(),
            ToStatus = entry.To?.ToString(), Details = JsonSerializer.Serialize(entry.Details), entry.Internal,
        }))).ToArray();
        var commentRows = comments.Select(c => Stored(BulkTicketWriter.Comment.Values(new
        {
            TicketId = ticket.Id, c.At, c.AuthorId, Visibility = c.Visibility.ToString(), c.Body,
        }))).ToArray();
        // As SlaStore inserts a clock, with its ticket's unit path and priority (which the store sets right after).
        var ofTicket = new Dictionary<string, object?> { ["UnitPath"] = ticket.UnitPath, ["Priority"] = ticket.Priority.ToString() };
        var clockRows = clocks.Select(c => Stored(BulkTicketWriter.Clock.Values(SlaStore.ClockRow.Parameters(c, ticket.Id), ofTicket))).ToArray();
        // As the search index writes a ticket's whole row (SearchIndex.IndexUnindexedAsync).
        object?[] search =
        [
            ticket.Id, SearchIndex.FieldTerms(ticket.Number, TextTerms(ticket)),
            SearchTerms.Joined(string.Join('\n', comments.Where(c => c.Visibility == CommentVisibility.Public).Select(c => c.Body))),
            SearchTerms.Joined(string.Join('\n', comments.Where(c => c.Visibility == CommentVisibility.Internal).Select(c => c.Body))),
        ];
        return new TicketRows(Stored(BulkTicketWriter.Ticket.Values(ticket)), historyRows, commentRows, clockRows, search);
    }

    public static LifeToRepeat Life(SeededTicket seeded) => new(seeded.Ticket.Id, seeded.Ticket.UnitId, seeded.Subject, seeded.Ticket.Title,
        string.Join(' ', TextTerms(seeded.Ticket)), seeded.Ticket.CreatedAt, seeded.History.Max(e => e.At),
        seeded.Ticket.Status is TicketStatus.Closed or TicketStatus.Cancelled, seeded.History.Count, seeded.Comments.Count, seeded.Clocks.Count);

    private static IReadOnlyList<string> TextTerms(Ticket ticket) => SearchIndex.TextTerms(ticket.Title, ticket.Description, ticket.Resolution);

    private static object?[] Stored(object?[] values)
    {
        for (var i = 0; i < values.Length; i++) values[i] = RowShape.Stored(values[i]);
        return values;
    }
}
