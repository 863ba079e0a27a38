using System.Data.Common;
using Dapper;
using Itsm.Domain.Attachments;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Attachments;

public sealed class StoredAttachment
{
    public long Id { get; init; }
    public long TicketId { get; init; }
    public string Name { get; init; } = "";
    public long Size { get; init; }
    public string ContentType { get; init; } = "";
    public string Sha256 { get; init; } = "";
    public CommentVisibility Visibility { get; init; }
    public string UploadedBy { get; init; } = "";
    public DateTimeOffset UploadedAt { get; init; }

    public StoredFile File => new(Name, Size, ContentType, Sha256);
}

/// <summary>The attachments' metadata rows. Rows are added and removed only inside a ticket's change (<c>TicketChanges.RecordAsync</c>).</summary>
public sealed class AttachmentStore(Database database)
{
    private readonly AttachmentSql _sql = new(database.Dialect);

    public Task<IReadOnlyList<StoredAttachment>> ListAsync(long ticketId, bool includeInternal, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<StoredAttachment>>(async (connection, token) => (await connection.QueryAsync<StoredAttachment>(
            new CommandDefinition(AttachmentSql.List, new { ticketId, includeInternal = includeInternal ? 1 : 0 }, cancellationToken: token))).ToList(), ct);

    public Task<StoredAttachment?> GetAsync(long ticketId, long id, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => await connection.QuerySingleOrDefaultAsync<StoredAttachment>(
            new CommandDefinition(AttachmentSql.Get, new { ticketId, id }, cancellationToken: token)), ct);

    public Task<long> TotalBytesAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.ExecuteScalarAsync<long>(
            new CommandDefinition(AttachmentSql.TotalBytes, new { ticketId }, cancellationToken: token)), ct);

    /// <summary>Under the ticket's row lock: what its attachments take now.</summary>
    public Task<long> TotalBytesAsync(DbConnection connection, DbTransaction transaction, long ticketId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(AttachmentSql.TotalBytes, new { ticketId }, transaction, cancellationToken: ct));

    public async Task<StoredAttachment> AddAsync(DbConnection connection, DbTransaction transaction, long ticketId, StoredFile file,
        CommentVisibility visibility, string uploadedBy, DateTimeOffset at, CancellationToken ct)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.Insert, new
        {
            TicketId = ticketId, file.Name, file.Size, file.ContentType, file.Sha256, Visibility = visibility.ToString(), UploadedBy = uploadedBy,
            UploadedAt = at,
        }, transaction, cancellationToken: ct));
        return new StoredAttachment
        {
            Id = id, TicketId = ticketId, Name = file.Name, Size = file.Size, ContentType = file.ContentType, Sha256 = file.Sha256,
            Visibility = visibility, UploadedBy = uploadedBy, UploadedAt = at,
        };
    }

    /// <summary>Removes the row; false if it was already gone.</summary>
    public async Task<bool> RemoveAsync(DbConnection connection, DbTransaction transaction, long ticketId, long id, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(AttachmentSql.Delete, new { ticketId, id }, transaction, cancellationToken: ct)) == 1;
}
