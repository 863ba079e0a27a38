namespace Itsm.Infrastructure.Attachments;

/// <summary>The <c>Attachments</c> section: where the bytes live and how much a ticket takes.</summary>
public sealed class AttachmentOptions
{
    public const long MiB = 1024 * 1024;

    /// <summary>Where the files are kept, content-addressed; by default <c>attachments</c> beside the embedded database file
    /// (<c>data/attachments</c>). Several instances share one volume.</summary>
    public string? Directory { get; set; }

    public long MaxFileBytes { get; set; } = 10 * MiB;

    public long MaxTicketBytes { get; set; } = 50 * MiB;

    public int MaxFilesPerUpload { get; set; } = 10;

    /// <summary>The upload endpoint's own request-size limit: every file at its largest, plus room for the multipart framing.</summary>
    public long MaxUploadBytes => MaxFilesPerUpload * MaxFileBytes + MiB;
}
