using Itsm.Domain.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Problems;

/// <summary>
/// RFC 9457 problems with a stable <c>type</c> (<c>urn:itsm:problem:&lt;name&gt;</c>) per kind of failure.
/// </summary>
public static class ProblemResults
{
    public static string TypeOf(string name) => "urn:itsm:problem:" + name;

    public static ProblemHttpResult Problem(int status, string name, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: TypeOf(name), extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) => Problem(404, "not-found", "Not found", detail);

    public static ProblemHttpResult BadRequest(string name, string title, string detail) => Problem(400, name, title, detail);

    /// <summary>400 with an <c>errors</c> map naming the fields, like the framework's validation problems.</summary>
    public static ValidationProblem Invalid(string field, string message) => Invalid([field], message);

    /// <summary>400 naming several fields at fault for one reason.</summary>
    public static ValidationProblem Invalid(IReadOnlyList<string> fields, string message) =>
        TypedResults.ValidationProblem(fields.ToDictionary(f => f, _ => new[] { message }),
            detail: $"{string.Join(", ", fields)}: {message}", type: TypeOf("validation"), title: "The request is not valid");

    /// <summary>422: the request is well formed but names something that cannot be used here.</summary>
    public static ProblemHttpResult Unprocessable(string field, string detail) =>
        Problem(422, "unprocessable", "The request cannot be applied", detail, new Dictionary<string, object?> { ["field"] = field });

    public static IResult From(TicketError error) => error switch
    {
        { Kind: TicketErrorKind.InvalidField, Fields: { Count: > 0 } fields } => Invalid(fields, error.Detail),
        { Kind: TicketErrorKind.Conflict, Problem: { } name } => Problem(409, name, "The ticket is not ready for this action", error.Detail),
        { Kind: TicketErrorKind.NotAllowedInState } => Problem(409, "action-not-allowed", "Action not allowed in this state", error.Detail, Allowed(error)),
        { Kind: TicketErrorKind.Conflict } => Problem(409, "precondition-not-met", "The ticket is not ready for this action", error.Detail, Allowed(error)),
        { Kind: TicketErrorKind.Forbidden } => Problem(403, error.Problem ?? "forbidden", "Forbidden", error.Detail),
        { Kind: TicketErrorKind.Invalid, Problem: { } name } => Problem(422, name, "The request cannot be applied", error.Detail),
        _ => Problem(422, "unprocessable", "The request cannot be applied", error.Detail),
    };

    /// <summary>Gives the framework's own problems (validation, empty 4xx from routing) our stable types.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith("urn:itsm:", StringComparison.Ordinal) == true) return;
        if (problem is HttpValidationProblemDetails invalid) CamelCaseFields(invalid.Errors);
        (problem.Type, problem.Detail) = problem switch
        {
            HttpValidationProblemDetails validation => (TypeOf("validation"), problem.Detail ??
                string.Join(" ", validation.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))),
            { Status: 400 } => (TypeOf("bad-request"), problem.Detail ?? "The request is not valid."),
            { Status: 404 } => (TypeOf("not-found"), problem.Detail ?? "No such resource."),
            { Status: 405 } => (TypeOf("method-not-allowed"), problem.Detail ?? "The resource does not support this method."),
            { Status: 413 } => (TypeOf("body-too-large"), problem.Detail ?? "The request body is larger than the service accepts (1 MiB)."),
            // Routing refuses an import's JSON body before the endpoint runs: say what the import takes.
            { Status: 415 } when context.HttpContext.Request.Path.Value?.EndsWith(":import", StringComparison.Ordinal) == true =>
                (TypeOf("unsupported-media-type"), problem.Detail ?? "An import is a text/csv body (UTF-8, with or without a byte order mark)."),
            { Status: 415 } => (TypeOf("unsupported-media-type"), problem.Detail ?? "Send the body as application/json."),
            _ => (problem.Type, problem.Detail),
        };
    }

    /// <summary>Writes a problem directly, for middleware that runs outside endpoints (authentication).</summary>
    public static async Task Write(HttpContext context, int status, string name, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = TypeOf(name), Title = title, Detail = detail },
        });
    }

    /// <summary>Names fields as the JSON does (<c>plan.what</c>, not <c>Plan.What</c>).</summary>
    private static void CamelCaseFields(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            var camel = string.Join('.', key.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
            if (camel == key) continue;
            errors[camel] = errors[key];
            errors.Remove(key);
        }
    }

    private static Dictionary<string, object?> Allowed(TicketError error) =>
        new() { ["allowedActions"] = (error.AllowedActions ?? []).Select(a => a.Name()).ToArray() };
}
