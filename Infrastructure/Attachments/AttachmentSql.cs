using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Attachments;

/// <summary>The attachments' metadata (the bytes are files, see <see cref="AttachmentBytes"/>).</summary>
public sealed class AttachmentSql(SqlDialect dialect)
{
    private const string Columns = "Id, TicketId, Name, Size, ContentType, Sha256, Visibility, UploadedBy, UploadedAt";

    public string Insert { get; } = dialect.InsertReturningId("TicketAttachments",
        "TicketId, Name, Size, ContentType, Sha256, Visibility, UploadedBy, UploadedAt",
        "@TicketId, @Name, @Size, @ContentType, @Sha256, @Visibility, @UploadedBy, @UploadedAt");

    /// <summary>A ticket's attachments, oldest first; internal ones only when @includeInternal is 1.</summary>
    public const string List = $"""
        SELECT {Columns} FROM TicketAttachments
        WHERE TicketId = @ticketId AND (Visibility = 'Public' OR @includeInternal = 1) ORDER BY Id
        """;

    public const string Get = $"SELECT {Columns} FROM TicketAttachments WHERE TicketId = @ticketId AND Id = @id";

    /// <summary>What the ticket's attachments take now (read under the ticket's row lock when adding).</summary>
    public const string TotalBytes = "SELECT COALESCE(SUM(Size), 0) FROM TicketAttachments WHERE TicketId = @ticketId";

    public const string Delete = "DELETE FROM TicketAttachments WHERE TicketId = @ticketId AND Id = @id";

    public IEnumerable<string> All() => [Insert, List, Get, TotalBytes, Delete];
}
