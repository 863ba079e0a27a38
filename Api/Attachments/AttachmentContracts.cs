using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Attachments;

namespace Itsm.Api.Attachments;

/// <summary>A file attached to a ticket.</summary>
/// <param name="Name">The file name as uploaded, cleaned of directories and control characters.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ContentType">The type detected from the file's content (not the one declared when uploading).</param>
/// <param name="Sha256">SHA-256 of the bytes, lower-case hex; also the download's ETag.</param>
/// <param name="UploadedBy">Id of the user who uploaded it.</param>
/// <param name="UploadedAt">When it was attached.</param>
/// <param name="Visibility">Internal files are seen by operations and maintenance staff only, as internal work notes are.</param>
public sealed record AttachmentResponse(long Id, string Name, long Size, string ContentType, string Sha256, string UploadedBy,
    DateTimeOffset UploadedAt, CommentVisibility Visibility)
{
    public static AttachmentResponse From(StoredAttachment a) =>
        new(a.Id, a.Name, a.Size, a.ContentType, a.Sha256, a.UploadedBy, a.UploadedAt, a.Visibility);
}

/// <summary>A ticket's attachments, oldest first (or those just uploaded).</summary>
public sealed record AttachmentList(IReadOnlyList<AttachmentResponse> Items);
