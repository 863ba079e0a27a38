using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Itsm.Api.Validation;
using Itsm.Infrastructure.Sql;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Problems;

/// <summary>
/// Turns what the framework throws for unreadable requests (malformed JSON, wrong types, unknown enum values, oversized
/// bodies) into precise 400/413 problems, and anything else into a logged 500 problem that reveals nothing.
/// </summary>
public sealed partial class BadRequestHandler(IProblemDetailsService problems, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException { InnerException: UndefinedEnumValueException undefined })
            return await WriteInvalidAsync(context, exception, FieldOf(undefined.Path), undefined.Message);
        var (status, name, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "body-too-large", "Request body too large", exception.Message),
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, "malformed-json", "The request body is not valid", Describe(json)),
            BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal) =>
                (400, "body-required", "A request body is required", "Send the request's JSON body (Content-Type: application/json)."),
            BadHttpRequestException bad when BindFailure().Match(bad.Message) is { Success: true } m =>
                (400, "bad-parameter", "A parameter is not valid", $"'{m.Groups["name"].Value}' cannot be '{m.Groups["value"].Value}'."),
            BadHttpRequestException bad => (bad.StatusCode, "bad-request", "The request is not valid", bad.Message),
            DatabaseUnavailableException { InnerException: CommitOutcomeUnknownException } => (503, "database-unavailable", "Database unavailable",
                "The connection to the database failed while saving: the change may or may not have been saved. Read the resource before trying again."),
            DatabaseUnavailableException => (503, "database-unavailable", "Database unavailable",
                "The database does not answer; nothing was changed. Try again shortly."),
            _ => (500, "internal", "Internal error", "The server failed to process the request; it has been logged."),
        };
        if (status == 503)
        {
            logger.LogWarning("{Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500) logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        else logger.LogDebug(exception, "Bad request for {Method} {Path}", context.Request.Method, context.Request.Path);

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Type = ProblemResults.TypeOf(name), Title = title, Detail = detail },
        });
    }

    /// <summary>A validation problem like the framework's, for a field the JSON reader refused.</summary>
    private async ValueTask<bool> WriteInvalidAsync(HttpContext context, Exception exception, string field, string message)
    {
        logger.LogDebug(exception, "Bad request for {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = 400;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = 400, Type = ProblemResults.TypeOf("validation"), Title = "The request is not valid", Detail = $"{field}: {message}",
            },
        });
    }

    /// <summary><c>$.cells[0].impact</c> → <c>cells[0].impact</c>.</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [GeneratedRegex("""Failed to bind parameter "[^"]* (?<name>\w+)" from "(?<value>.*)".""")]
    private static partial Regex BindFailure();

    private static string Describe(JsonException json)
    {
        var where = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "" : $" at {json.Path}";
        return json.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"The value{where} has the wrong type or is not one of the allowed values."
            : json.Message.Contains("missing required properties", StringComparison.Ordinal)
                ? json.Message.Split(" Path:")[0]
                : $"The body is not well-formed JSON{where}.";
    }
}
