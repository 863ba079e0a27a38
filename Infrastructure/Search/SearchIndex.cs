using System.Data.Common;
using Dapper;
using Itsm.Domain.Search;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Search;

/// <summary>Which of a ticket's texts a term came from: who may find the ticket by it.</summary>
public enum SearchSource
{
    /// <summary>Number, title, description and resolution.</summary>
    Fields = 0,
    PublicComment = 1,
    /// <summary>Internal work notes: found by operations and maintenance roles only.</summary>
    InternalNote = 2,
}

/// <summary>
/// The search index: each ticket's terms (<see cref="SearchTerms"/>), written by the ticket store inside the transaction
/// that writes the ticket or comment they come from, so a search sees exactly what is committed.
/// </summary>
public sealed class SearchIndex(Database database)
{
    private readonly SearchSql _sql = new(database.Dialect);

    /// <summary>The terms of the ticket's own texts.</summary>
    public static string FieldTerms(string number, string title, string? description, string? resolution) =>
        SearchTerms.Joined(string.Join('\n', number, title, description, resolution));

    /// <summary>The terms of a ticket's title, description and resolution, without its number (not known before it is stored).</summary>
    public static IReadOnlyList<string> TextTerms(string title, string? description, string? resolution) =>
        SearchTerms.Of(string.Join('\n', title, description, resolution));

    /// <summary>
    /// The same as <see cref="FieldTerms(string, string, string?, string?)"/> from the text's terms worked out beforehand: the
    /// number's terms, then the text's that are not among them (the line break between them ends every word).
    /// </summary>
    public static string FieldTerms(string number, IReadOnlyList<string> textTerms)
    {
        var terms = SearchTerms.Of(number).ToList();
        var seen = new HashSet<string>(terms, StringComparer.Ordinal);
        foreach (var term in textTerms)
            if (seen.Add(term)) terms.Add(term);
        return string.Join(' ', terms);
    }

    /// <summary>The texts a ticket's field terms come from, to tell whether a change touched them.</summary>
    public static string IndexedText(Ticket ticket) => string.Join('\n', ticket.Number, ticket.Title, ticket.Description, ticket.Resolution);

    /// <summary>
    /// Sets the terms of the ticket's number, title, description and resolution (unchanged text writes nothing);
    /// <paramref name="terms"/> when the caller worked them out already.
    /// </summary>
    internal Task IndexTicketAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, CancellationToken ct, string? terms = null) =>
        connection.ExecuteAtGroupEndAsync(_sql.SetFields, new
        {
            TicketId = ticket.Id, Source = (byte)SearchSource.Fields,
            Terms = terms ?? FieldTerms(ticket.Number, ticket.Title, ticket.Description, ticket.Resolution),
        }, transaction, ct);

    /// <summary>The terms of a ticket just stored (it has no row yet, nor comments).</summary>
    internal Task InsertTicketAsync(DbConnection connection, DbTransaction transaction, long ticketId, string terms, CancellationToken ct) =>
        connection.ExecuteAtGroupEndAsync(_sql.InsertFields, new { TicketId = ticketId, Source = (byte)SearchSource.Fields, Terms = terms }, transaction, ct);

    /// <summary>Adds a comment's terms to its ticket.</summary>
    internal Task IndexCommentAsync(DbConnection connection, DbTransaction transaction, long ticketId, CommentVisibility visibility, string body,
        CancellationToken ct)
    {
        var source = visibility == CommentVisibility.Internal ? SearchSource.InternalNote : SearchSource.PublicComment;
        var terms = SearchTerms.Joined(body);
        if (terms.Length == 0) return Task.CompletedTask;
        return connection.ExecuteAtGroupEndAsync(source == SearchSource.InternalNote ? _sql.AddInternalNote : _sql.AddPublicNote,
            new { TicketId = ticketId, Source = (byte)source, Terms = terms }, transaction, ct);
    }

    /// <summary>
    /// Indexes the tickets the index does not know (those written before it existed), in batches of
    /// <paramref name="batch"/>, each in its own transaction, and remembers how far the index is whole (V0044), so that the
    /// next pass looks only at tickets written since. Returns how many it indexed.
    /// </summary>
    public async Task<int> IndexUnindexedAsync(CancellationToken ct, int batch = 500)
    {
        var total = 0;
        // Only past the tickets a pass found whole before: the service indexes every ticket it writes in the same transaction.
        var after = await database.ReadAsync((connection, token) =>
            connection.ExecuteScalarAsync<long?>(new CommandDefinition(SearchSql.IndexedThrough, cancellationToken: token)), ct) ?? 0;
        while (true)
        {
            var from = after;
            var (done, last) = await database.WriteAsync(async (connection, transaction, token) =>
            {
                var ids = (await connection.QueryAsync<long>(new CommandDefinition(_sql.Unindexed, new { after = from, limit = batch }, transaction,
                    cancellationToken: token))).ToList();
                if (ids.Count == 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(SearchSql.WholeThrough, transaction: transaction, cancellationToken: token));
                    return (0, from);
                }
                var tickets = await connection.QueryAsync<TicketText>(new CommandDefinition(SearchSql.TicketTexts, new { ids }, transaction,
                    cancellationToken: token));
                var comments = (await connection.QueryAsync<CommentText>(new CommandDefinition(SearchSql.CommentTexts, new { ids }, transaction,
                    cancellationToken: token))).ToLookup(c => c.TicketId);
                foreach (var t in tickets)
                {
                    var fields = FieldTerms(t.Number, t.Title, t.Description, t.Resolution);
                    var notes = comments[t.Id].ToLookup(c => c.Visibility == nameof(CommentVisibility.Public), c => c.Body);
                    var (publicNotes, internalNotes) = (SearchTerms.Joined(string.Join('\n', notes[true])), SearchTerms.Joined(string.Join('\n', notes[false])));
                    if (_sql.InsertWhole is { } whole)
                    {
                        await connection.ExecuteAsync(new CommandDefinition(whole, new { TicketId = t.Id, Fields = fields, PublicNotes = publicNotes,
                            InternalNotes = internalNotes }, transaction, cancellationToken: token));
                        continue;
                    }
                    foreach (var (sql, source, terms) in new[]
                             {
                                 (_sql.SetFields, SearchSource.Fields, fields), (_sql.AddPublicNote, SearchSource.PublicComment, publicNotes),
                                 (_sql.AddInternalNote, SearchSource.InternalNote, internalNotes),
                             })
                    {
                        if (source == SearchSource.Fields || terms.Length > 0)
                            await connection.ExecuteAsync(new CommandDefinition(sql, new { TicketId = t.Id, Source = (byte)source, Terms = terms }, transaction,
                                cancellationToken: token));
                    }
                }
                return (ids.Count, ids[^1]);
            }, ct);
            if (done == 0) return total;
            (total, after) = (total + done, last);
        }
    }

    /// <summary>Adds the list condition's parameters: every one of <paramref name="terms"/>, in what the caller may read.</summary>
    internal void AddQuery(DynamicParameters args, IReadOnlyList<string> terms, bool includeInternal)
    {
        if (database.Dialect.Provider == DatabaseProvider.Sqlite)
        {
            args.Add("Search", MatchExpression(terms, includeInternal));
            return;
        }
        var distinct = terms.Distinct(StringComparer.Ordinal).ToList();
        args.Add("Search", string.Join(' ', distinct));
        args.Add("SearchTermCount", distinct.Count);
        args.Add("SearchSource", (byte)(includeInternal ? SearchSource.InternalNote : SearchSource.PublicComment));
    }

    /// <summary>
    /// An FTS5 expression made of the terms alone, each a quoted string (FTS5 reads nothing inside quotes as syntax, and a
    /// term holds only letters, digits and hyphens anyway), all required; without internal notes, limited to the other columns.
    /// </summary>
    public static string MatchExpression(IReadOnlyList<string> terms, bool includeInternal)
    {
        var all = string.Join(' ', terms.Select(t => "\"" + t.Replace("\"", "\"\"") + "\""));
        return includeInternal ? all : "{Fields PublicNotes} : (" + all + ")";
    }

    private sealed record TicketText(long Id, string Number, string Title, string? Description, string? Resolution);

    private sealed record CommentText(long TicketId, string Visibility, string Body);
}
