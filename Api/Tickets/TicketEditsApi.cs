using System.Text.Json;
using Itsm.Api.OpenApi;
using Itsm.Api.Problems;
using Itsm.Api.Validation;
using Itsm.Domain.Tickets;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Tickets;

/// <summary>The fields of a ticket an edit may set (JSON Merge Patch, RFC 7396): a field left out stays as it is.</summary>
/// <param name="Title">One line that says what is needed (3–200 characters).</param>
/// <param name="Description">What happened and what is needed (1–8000 characters).</param>
/// <param name="System">Id of the business system (line 1 only): one the ticket's unit uses.</param>
/// <param name="Category">Work type (line 1 only).</param>
/// <param name="Impact">Who is affected (line 1 only).</param>
/// <param name="Urgency">How soon it matters (line 1 only).</param>
public sealed record TicketPatch(string? Title = null, string? Description = null, string? System = null, Category? Category = null,
    Impact? Impact = null, Urgency? Urgency = null);

/// <summary>Correcting a ticket: <c>PATCH /tickets/{id}</c> with a JSON Merge Patch and If-Match.</summary>
public static class TicketEditsApi
{
    public const string MergePatch = "application/merge-patch+json";

    /// <summary>What a ticket shows but no edit sets: named as read-only (rather than unknown) when a patch carries them.</summary>
    private static readonly IReadOnlySet<string> ReadOnly = typeof(TicketResponse).GetProperties()
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Except(TicketEdit.FieldNames).ToHashSet();

    public static RouteGroupBuilder MapTicketEdits(this RouteGroupBuilder api)
    {
        api.MapPatch("/tickets/{id:long}", Edit).WithName("EditTicket").WithTags("Ticket actions")
            .WithMetadata(new IfMatchRequired())
            .WithSummary("Correct a ticket: its title and description, and (line 1) its system, category, impact and urgency")
            .WithDescription("A JSON Merge Patch (`application/merge-patch+json`, RFC 7396) of the fields to change, with the ticket's ETag in " +
                             "`If-Match`. The requester may correct the title and the description while the ticket is New; the service desk " +
                             "may correct every field while it is open. A new impact, urgency or category derives the priority again and " +
                             "re-targets the service-level clocks as triage does; a change moved to another system or category loses its " +
                             "approval. The history records each field's old and new value; event `ticket.updated`. Unknown or read-only " +
                             "fields, and null values, are refused (400) naming them; a closed or cancelled ticket is not edited (409).")
            .Accepts<TicketPatch>(MergePatch)
            .Produces<TicketResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return api;
    }

    public static async Task<IResult> Edit(long id, HttpRequest request, ActionContext context)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals(MergePatch, StringComparison.OrdinalIgnoreCase)
            || (type.Charset.HasValue && !type.Charset.Value!.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            return ProblemResults.Problem(415, "unsupported-media-type", "Unsupported media type",
                $"Send the changes as a JSON Merge Patch ({MergePatch}) in UTF-8.");
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.Cancellation);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return ProblemResults.BadRequest("bad-request", "The body is not JSON", $"The body is not valid JSON: {e.Message}");
        }
        TicketPatch? patch;
        IResult? problem;
        try
        {
            (patch, problem) = Read(body);
        }
        catch (InvalidOperationException e)
        {
            // A lone surrogate (\ud800) is valid JSON syntax but no text: refused as the body of any other request is.
            return ProblemResults.BadRequest("malformed-json", "The request body is not valid", e.Message);
        }
        if (problem is not null) return problem;

        return await context.Apply(id, TicketAction.Edit, async (ticket, actor, now) =>
        {
            Domain.Organisation.BusinessSystem? system = null;
            if (patch!.System is { } systemId && (system = await context.Organisation.FindSystemAsync(systemId, context.Cancellation)) is null)
                return ProblemResults.Unprocessable("system", $"System '{systemId}' does not exist.");
            var edit = new TicketEdit(patch.Title, patch.Description, system, patch.Category, patch.Impact, patch.Urgency);
            var unchanged = Unchanged(ticket, patch);
            // Whether the caller may edit is decided as for any edit; one that changes nothing is not saved (no version, history or event).
            return (object?)ticket.Edit(actor, now, edit, await context.Organisation.PriorityMatrixAsync(context.Cancellation))
                ?? (unchanged ? ActionContext.NothingChanged : null);
        });
    }

    private static bool Unchanged(Ticket ticket, TicketPatch patch) =>
        (patch.Title is null || patch.Title == ticket.Title) && (patch.Description is null || patch.Description == ticket.Description)
        && (patch.System is null || patch.System == ticket.SystemId) && (patch.Category is null || patch.Category == ticket.Category)
        && (patch.Impact is null || patch.Impact == ticket.Impact) && (patch.Urgency is null || patch.Urgency == ticket.Urgency);

    /// <summary>The patch's shape: an object of known, editable fields, each with a value of its kind (400 naming the fields otherwise).</summary>
    private static (TicketPatch? Patch, IResult? Problem) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, ProblemResults.BadRequest("bad-request", "The body is not a merge patch", "A merge patch is a JSON object of the fields to change."));
        var fields = body.EnumerateObject().ToList();
        if (fields.Count == 0) return (null, ProblemResults.Invalid("body", "the patch changes nothing: name at least one field."));
        var readOnly = fields.Select(f => f.Name).Where(ReadOnly.Contains).ToList();
        if (readOnly.Count > 0)
            return (null, ProblemResults.Invalid(readOnly, $"read-only: an edit sets only {string.Join(", ", TicketEdit.FieldNames)}."));
        var unknown = fields.Select(f => f.Name).Where(n => !TicketEdit.FieldNames.Contains(n)).ToList();
        if (unknown.Count > 0)
            return (null, ProblemResults.Invalid(unknown, $"not a field of a ticket: an edit sets only {string.Join(", ", TicketEdit.FieldNames)}."));
        var cleared = fields.Where(f => f.Value.ValueKind == JsonValueKind.Null).Select(f => f.Name).ToList();
        if (cleared.Count > 0) return (null, ProblemResults.Invalid(cleared, "every field of a ticket has a value: null would remove it."));

        var errors = new Dictionary<string, string[]>();
        var patch = new TicketPatch(
            Text("title", 3, 200, multiline: false)?.Trim(), Text("description", 1, 8000, multiline: true), Text("system", 1, 64, multiline: false),
            Choice<Category>("category"), Choice<Impact>("impact"), Choice<Urgency>("urgency"));
        return errors.Count > 0
            ? (null, TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value[0]}")),
                type: ProblemResults.TypeOf("validation"), title: "The request is not valid"))
            : (patch, null);

        string? Text(string name, int min, int max, bool multiline)
        {
            if (!body.TryGetProperty(name, out var value)) return null;
            if (value.ValueKind != JsonValueKind.String) return Fail(name, "must be a string.");
            var text = value.GetString()!;
            if (text.Trim().Length < min || text.Length > max) return Fail(name, $"must be {min}–{max} characters.");
            if (!PlainTextAttribute.IsPlain(text, multiline))
                return Fail(name, multiline ? "must be plain text (no control characters other than line breaks and tabs)." : "must be plain text on one line.");
            return text;
        }

        T? Choice<T>(string name) where T : struct, Enum
        {
            if (!body.TryGetProperty(name, out var value)) return null;
            // Exactly a name, as everywhere in the API: no number, no names joined by commas, no spaces around it.
            if (value.ValueKind == JsonValueKind.String && StrictEnums.TryParse(typeof(T), value.GetString(), out var parsed))
                return (T)parsed!;
            Fail(name, $"must be one of {string.Join(", ", Enum.GetNames<T>())}.");
            return null;
        }

        string? Fail(string name, string message)
        {
            errors[name] = [message];
            return null;
        }
    }
}
