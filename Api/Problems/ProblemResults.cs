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
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}", type: TypeOf("validation"), title: "The request is not valid");

    /// <summary>422: the request is well formed but names something that cannot be used here.</summary>
    public static ProblemHttpResult Unprocessable(string field, string detail) =>
        Problem(422, "unprocessable", "The request cannot be applied", detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult From(TicketError error) => error.Kind switch
    {
        TicketErrorKind.NotAllowedInState => Problem(409, "action-not-allowed", "Action not allowed in this state", error.Detail, Allowed(error)),
        TicketErrorKind.Conflict => Problem(409, "precondition-not-met", "The ticket is not ready for this action", error.Detail, Allowed(error)),
        TicketErrorKind.Forbidden => Problem(403, "forbidden", "Forbidden", error.Detail),
        _ => Problem(422, "unprocessable", "The request cannot be applied", error.Detail),
    };

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

    private static Dictionary<string, object?> Allowed(TicketError error) =>
        new() { ["allowedActions"] = (error.AllowedActions ?? []).Select(a => a.Name()).ToArray() };
}
