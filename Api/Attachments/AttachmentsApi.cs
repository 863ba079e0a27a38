using System.Buffers;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Domain.Attachments;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Attachments;
using Itsm.Infrastructure.Tickets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Itsm.Api.Attachments;

/// <summary>Files attached to tickets: uploaded as multipart, streamed to disk, kept by their SHA-256.</summary>
public static class AttachmentsApi
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>What a browser may not do with a downloaded file: run it or render it as a page of this origin.</summary>
    private const string DownloadPolicy = "default-src 'none'; sandbox";

    public static RouteGroupBuilder MapAttachments(this RouteGroupBuilder api)
    {
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        var attachments = api.MapGroup("/tickets/{id:long}/attachments").WithTags("Attachments");

        attachments.MapPost("/", Upload).WithName("AddAttachments")
            .WithMetadata(new UploadSizeLimit(options.MaxUploadBytes))
            .WithSummary("Attach one or more files to a ticket")
            .WithDescription("`multipart/form-data` with one or more file parts (`files`) and an optional `visibility` " +
                             "(`Public` by default; `Internal` for operations and maintenance staff only, as internal work notes). " +
                             "Whoever may comment on the ticket may attach files while it is open; attaching does not change the " +
                             "ticket's version, so it needs no If-Match. The type is detected from the content (images, PDF, plain " +
                             "text, CSV, Office documents, zip); executables, scripts, HTML, SVG and XML are refused (415, naming " +
                             $"the detected type). Limits: `Attachments:MaxFileBytes` per file (default 10 MiB), `Attachments:MaxTicketBytes` " +
                             $"per ticket (default 50 MiB), both 413; `Attachments:MaxFilesPerUpload` files per request (default 10), " +
                             "400 beyond it, as for an empty file or no file part, a file part under another field than `files`, or a " +
                             "`visibility` that is not exactly `Public` or `Internal`. A name whose extension is not one of the detected " +
                             "type's gets that type's extension added (`run.bat` holding text is kept as `run.bat.txt`). A refused upload " +
                             "stores nothing; 503 when the service cannot write to its attachment storage (not the request's fault).")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = UploadBody();
                return Task.CompletedTask;
            })
            .Produces<AttachmentList>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415)
            .ProducesProblem(503);

        attachments.MapGet("/", List).WithName("ListAttachments")
            .WithSummary("A ticket's attachments, oldest first (internal ones are hidden from requesters and approvers)")
            .Produces<AttachmentList>().ProducesProblem(404);

        attachments.MapGet("/{attachmentId:long}", Download).WithName("DownloadAttachment")
            .WithSummary("Download an attachment's bytes")
            .WithDescription("Sent as `Content-Disposition: attachment` with the file name (RFC 6266: an ASCII `filename` and a UTF-8 " +
                             "`filename*`), the detected content type, `X-Content-Type-Options: nosniff` and `ETag` = the SHA-256; " +
                             "`If-None-Match` with that ETag answers 304.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(404);

        attachments.MapDelete("/{attachmentId:long}", Remove).WithName("RemoveAttachment")
            .WithSummary("Remove an attachment (its uploader or the service desk, while the ticket is open)")
            .WithDescription("Recorded in the ticket's history. The bytes stay in the attachment directory (they are shared by every " +
                             "attachment with the same SHA-256).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        return api;
    }

    public static async Task<IResult> Upload(long id, HttpRequest request, ClaimsPrincipal user, TicketStore tickets, TicketChanges changes,
        AttachmentStore store, AttachmentBytes bytes, IOptions<AttachmentOptions> settings, TimeProvider clock, ILogger<AttachmentStore> logger,
        CancellationToken ct)
    {
        var options = settings.Value;
        var actor = user.Actor();
        var ticket = await tickets.GetAsync(id, actor, ct);
        if (ticket is null) return TicketsApi.NotFound(id);
        // Refused before a byte is read (a closed ticket, a caller who may not comment); decided again under the row lock.
        if (AttachmentRules.AddRefusal(ticket, actor, clock.GetUtcNow(), CommentVisibility.Public) is { } early) return ProblemResults.From(early);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary) is not { Length: > 0 and <= 70 } boundary)
            return ProblemResults.Problem(415, "unsupported-media-type", "Unsupported media type",
                "Send the files as multipart/form-data (with a boundary), one part per file.");

        var received = new List<IncomingFile>();
        try
        {
            var (visibility, problem) = await ReceiveAsync(request, boundary.ToString(), options, bytes, received,
                await store.TotalBytesAsync(id, ct), ct);
            if (problem is not null) return problem;
            if (received.Count == 0) return ProblemResults.Invalid("files", "Send at least one file part (form field `files` with a file name).");

            // Who may add an internal file is known now, before anything is moved into place.
            if (AttachmentRules.AddRefusal(ticket, actor, clock.GetUtcNow(), visibility) is { } refused) return ProblemResults.From(refused);
            var files = new List<StoredFile>();
            foreach (var file in received)
            {
                var content = file.Content.Detect(file.Name);
                if (!content.Allowed)
                    return ProblemResults.Problem(415, "attachment-type-refused", "This kind of file is not accepted",
                        $"'{file.Name}' is {content.MediaType} by its content, which is not accepted (images, PDF, plain text, CSV, " +
                        "Office documents and zip are).", new Dictionary<string, object?> { ["detectedType"] = content.MediaType, ["file"] = file.Name });
                files.Add(new StoredFile(FileNames.ForType(file.Name, content.MediaType), file.Length, content.MediaType, file.Sha256!));
            }
            // The bytes are in place before their rows commit: a row never names bytes that are not there.
            foreach (var file in received) Store(file.MoveIntoPlace);
            return await RecordAsync(id, actor, files, visibility, changes, store, options);
        }
        catch (StorageFailed failed)
        {
            // The service's disk, not the request: the client may send the same files again later.
            logger.LogError(failed.InnerException, "Attachments for ticket {Ticket} could not be stored", id);
            return ProblemResults.Problem(503, "attachment-storage-failed", "The files could not be stored",
                "The service could not write the files to its attachment storage; nothing was stored. This is not a fault of the request: try again later.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException)
        {
            return ProblemResults.BadRequest("malformed-multipart", "The multipart body is not valid", e.Message);
        }
        finally
        {
            foreach (var file in received) await file.DisposeAsync();
        }
    }

    /// <summary>Reads the parts: each file streams to its temporary file (hashed and inspected as it goes), the visibility field is read.</summary>
    private static async Task<(CommentVisibility Visibility, IResult? Problem)> ReceiveAsync(HttpRequest request, string boundary,
        AttachmentOptions options, AttachmentBytes bytes, List<IncomingFile> received, long ticketBytes, CancellationToken ct)
    {
        var visibility = CommentVisibility.Public;
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return (visibility, ProblemResults.BadRequest("malformed-multipart", "The multipart body is not valid",
                        "Every part needs Content-Disposition: form-data with a name."));
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (field != "files")
                        return (visibility, ProblemResults.Invalid(field, "Unknown form field: send file parts as `files` and optionally `visibility`."));
                    if (received.Count == options.MaxFilesPerUpload)
                        return (visibility, ProblemResults.Invalid("files", $"At most {options.MaxFilesPerUpload} files per upload."));
                    var name = FileNames.Clean(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                    var file = Store(() => bytes.Begin(name));
                    received.Add(file);
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer.AsMemory(0, ChunkBytes), ct)) > 0)
                    {
                        await StoreAsync(() => file.WriteAsync(buffer.AsMemory(0, read), ct).AsTask());
                        if (file.Length > options.MaxFileBytes)
                            return (visibility, ProblemResults.Problem(413, "attachment-too-large", "File too large",
                                $"'{name}' is larger than {options.MaxFileBytes} bytes (Attachments:MaxFileBytes); nothing was stored.",
                                new Dictionary<string, object?> { ["maxFileBytes"] = options.MaxFileBytes }));
                        if (ticketBytes + received.Sum(f => f.Length) > options.MaxTicketBytes)
                            return (visibility, TicketFull(options));
                    }
                    await StoreAsync(() => file.CompleteAsync(ct));
                    if (file.Length == 0) return (visibility, ProblemResults.Invalid("files", $"'{name}' is empty."));
                }
                else if (field == "visibility")
                {
                    // Exactly a name (an empty field keeps the default): no numbers, no comma-joined names, no spaces around it.
                    var value = await ReadFieldAsync(section.Body, ct);
                    if (value is not ("" or nameof(CommentVisibility.Public) or nameof(CommentVisibility.Internal)))
                        return (visibility, ProblemResults.Invalid("visibility", "visibility is Public or Internal."));
                    if (value.Length > 0) visibility = Enum.Parse<CommentVisibility>(value);
                }
                else
                    return (visibility, ProblemResults.Invalid(HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "",
                        "Unknown form field: send file parts (`files`) and optionally `visibility`."));
            }
            return (visibility, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writing to the attachment storage failed: the service's fault, told apart from a request that could not be read.</summary>
    private sealed class StorageFailed(Exception inner) : Exception("The attachment storage failed.", inner);

    private static T Store<T>(Func<T> write)
    {
        try { return write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new StorageFailed(e); }
    }

    private static void Store(Action write) => Store(() => { write(); return 0; });

    private static async Task StoreAsync(Func<Task> write)
    {
        try { await write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new StorageFailed(e); }
    }

    /// <summary>A short form field's value; null when it is longer than a field of this API can be.</summary>
    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        const int MaxFieldBytes = 64;
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        return length > MaxFieldBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>The rows, the history entries and the events, in the ticket's transaction (the limit per ticket checked under its lock).</summary>
    private static async Task<IResult> RecordAsync(long id, Itsm.Domain.Organisation.Actor actor, List<StoredFile> files,
        CommentVisibility visibility, TicketChanges changes, AttachmentStore store, AttachmentOptions options)
    {
        var saved = new List<StoredAttachment>();
        var at = DateTimeOffset.MinValue;
        var change = await changes.RecordAsync(id, actor, (locked, now) =>
        {
            if (AttachmentRules.AddRefusal(locked, actor, now, visibility) is { } refused) return ProblemResults.From(refused);
            at = now;
            foreach (var file in files) AttachmentRules.RecordAdded(locked, actor, now, file, visibility);
            return null;
        }, async (connection, transaction, token) =>
        {
            saved.Clear();
            if (await store.TotalBytesAsync(connection, transaction, id, token) + files.Sum(f => f.Size) > options.MaxTicketBytes)
                return TicketFull(options);
            foreach (var file in files) saved.Add(await store.AddAsync(connection, transaction, id, file, visibility, actor.UserId, at, token));
            return null;
        }, CancellationToken.None); // once the bytes are in place, their rows are written even if the client goes away
        return change.Result switch
        {
            ChangeResult.Saved => TypedResults.Created($"/api/v1/tickets/{id}/attachments", new AttachmentList(saved.Select(AttachmentResponse.From).ToList())),
            ChangeResult.NotFound => TicketsApi.NotFound(id),
            _ => (IResult)change.Refusal!,
        };
    }

    public static async Task<IResult> List(long id, ClaimsPrincipal user, WatcherStore watchers, AttachmentStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        // A watcher reads the ticket's attachments as its requester does (internal ones by role only).
        if (await watchers.GetVisibleAsync(id, actor, ct) is null) return TicketsApi.NotFound(id);
        var items = await store.ListAsync(id, includeInternal: actor.SeesInternalNotes, ct);
        return TypedResults.Ok(new AttachmentList(items.Select(AttachmentResponse.From).ToList()));
    }

    public static async Task<IResult> Download(long id, long attachmentId, ClaimsPrincipal user, HttpResponse response, WatcherStore watchers,
        AttachmentStore store, AttachmentBytes bytes, ILogger<AttachmentBytes> logger, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await watchers.GetVisibleAsync(id, actor, ct) is null) return TicketsApi.NotFound(id);
        if (await VisibleAsync(id, attachmentId, actor, store, ct) is not { } attachment) return NotFound(id, attachmentId);
        var stream = bytes.OpenRead(attachment.Sha256);
        if (stream is null)
        {
            logger.LogError("The bytes of attachment {Attachment} ({Sha256}) are missing from {Directory}", attachment.Id, attachment.Sha256, bytes.Directory);
            return ProblemResults.Problem(500, "attachment-bytes-missing", "The file is missing",
                "The attachment's record exists but its bytes are missing from the attachment directory; it has been logged.");
        }
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers[HeaderNames.ContentSecurityPolicy] = DownloadPolicy;
        response.Headers[HeaderNames.CacheControl] = "private, no-cache";
        return TypedResults.File(stream, attachment.ContentType, attachment.Name, entityTag: new EntityTagHeaderValue($"\"{attachment.Sha256}\""));
    }

    public static async Task<IResult> Remove(long id, long attachmentId, ClaimsPrincipal user, TicketStore tickets, TicketChanges changes,
        AttachmentStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await tickets.GetAsync(id, actor, ct) is null) return TicketsApi.NotFound(id);
        if (await VisibleAsync(id, attachmentId, actor, store, ct) is not { } attachment) return NotFound(id, attachmentId);
        var change = await changes.RecordAsync(id, actor, (locked, now) =>
        {
            if (AttachmentRules.RemoveRefusal(locked, actor, now, attachment.UploadedBy) is { } refused) return ProblemResults.From(refused);
            AttachmentRules.RecordRemoved(locked, actor, now, attachment.Id, attachment.File, attachment.Visibility);
            return null;
        }, async (connection, transaction, token) =>
            await store.RemoveAsync(connection, transaction, id, attachmentId, token) ? null : NotFound(id, attachmentId), ct);
        return change.Result switch
        {
            ChangeResult.Saved => TypedResults.NoContent(),
            ChangeResult.NotFound => TicketsApi.NotFound(id),
            _ => (IResult)change.Refusal!,
        };
    }

    /// <summary>The attachment if the caller may see it: internal ones only for operations and maintenance staff.</summary>
    private static async Task<StoredAttachment?> VisibleAsync(long id, long attachmentId, Itsm.Domain.Organisation.Actor actor, AttachmentStore store,
        CancellationToken ct) =>
        await store.GetAsync(id, attachmentId, ct) is { } found && (found.Visibility == CommentVisibility.Public || actor.SeesInternalNotes) ? found : null;

    private static IResult NotFound(long id, long attachmentId) =>
        ProblemResults.NotFound($"Ticket {id} has no attachment {attachmentId} that you may see.");

    private static IResult TicketFull(AttachmentOptions options) =>
        ProblemResults.Problem(413, "ticket-attachments-full", "The ticket's attachments are full",
            $"The ticket's attachments would take more than {options.MaxTicketBytes} bytes (Attachments:MaxTicketBytes); nothing was stored.",
            new Dictionary<string, object?> { ["maxTicketBytes"] = options.MaxTicketBytes });

    /// <summary>The upload as Swagger UI and generated clients need it: a file picker for <c>files</c>, a choice for <c>visibility</c>.</summary>
    private static OpenApiRequestBody UploadBody() => new()
    {
        Required = true,
        Description = "One or more files, and optionally their visibility.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "files" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["files"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Array,
                            Description = "The files (one part each).",
                            Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        },
                        ["visibility"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Description = "Public (default) or Internal (operations and maintenance staff only).",
                            Enum = [JsonValue.Create("Public")!, JsonValue.Create("Internal")!],
                            Default = JsonValue.Create("Public"),
                        },
                    },
                },
            },
        },
    };
}
