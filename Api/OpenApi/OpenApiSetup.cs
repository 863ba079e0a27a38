using System.Text.Json.Nodes;
using Itsm.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Itsm.Api.OpenApi;

/// <summary>The OpenAPI 3.1 document (JSON and YAML) and Swagger UI with an Authorize button for an API key or a bearer token.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddItsmOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Itsm — business O&M ticketing",
                    Version = "v1",
                    Description = "Tickets for an enterprise's business applications under \"two levels, three lines\": request, triage to a " +
                                  "support line, resolve, escalate to headquarters, with approvals for changes. Authenticate with an API key " +
                                  "in `X-Api-Key` (demo keys such as `demo-js-servicedesk` are listed in the README) or, where single sign-on " +
                                  "is configured, with a bearer token from the organisation's identity provider. Every error is an " +
                                  "RFC 9457 problem (`application/problem+json`) with a stable `type`.",
                };
                document.Servers = [];
                WebhooksDocument.Describe(document);
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthentication.Header,
                    Description = "An API key bound to a user or an integration, its unit and its roles, e.g. `demo-js-requester`.",
                };
                document.Components.SecuritySchemes[SingleSignOn.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Single sign-on (where configured): an access token from the organisation's OpenID Connect identity " +
                                  "provider, naming a person who is a user of this service; roles, unit and groups come from that user.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
                // Either scheme: an API key or a bearer token.
                operation.Security = anonymous ? []
                    : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] },
                       new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SingleSignOn.SchemeName, context.Document)] = [] }];
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IfMatchRequired>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = "If-Match",
                        In = ParameterLocation.Header,
                        Required = true,
                        Description = "The ticket's current ETag, e.g. \"3\" (from GET /api/v1/tickets/{id} or the previous change).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        Example = JsonValue.Create("\"1\""),
                    });
                }
                if (!anonymous && context.Description.HttpMethod == "POST")
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = "Idempotency-Key",
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "Makes a retry safe: the same key (per caller, kept 24 h) returns the first outcome with " +
                                      "`Idempotent-Replayed: true`; the same key with another request is 422, while still in flight 409.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                    });
                }
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Policies.AllowedCallers>().LastOrDefault() is { } allowed)
                {
                    // Who may call it, as the route table says (a named policy), so the document shows it too.
                    operation.Description = $"**Allowed callers:** {allowed.Description}" +
                                            (operation.Description is { Length: > 0 } d ? "\n\n" + d : "");
                    operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    operation.Extensions["x-itsm-policy"] = new JsonNodeExtension(JsonValue.Create(allowed.Policy));
                    operation.Responses ??= new OpenApiResponses();
                    operation.Responses.TryAdd("403", new OpenApiResponse
                    {
                        Description = "Forbidden: the caller is not among the allowed callers.",
                        Content = operation.Responses.TryGetValue("401", out var unauthorized) ? unauthorized.Content : null,
                    });
                }
                if (operation.OperationId is { } id && Examples.Requests.TryGetValue(id, out var example)
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
                    media.Example = JsonNode.Parse(example);
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer<ContractSchemas>();
            o.AddDocumentTransformer<ContractDocument>();
        });

    public static WebApplication MapItsmOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.yaml").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint($"/openapi/{DocumentName}.json", "Itsm v1");
            o.RoutePrefix = "swagger";
            o.DocumentTitle = "Itsm API";
            o.EnablePersistAuthorization();
        });
        app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}

/// <summary>Marks an endpoint that needs the resource's ETag in If-Match (documented as a required header).</summary>
public sealed class IfMatchRequired;

/// <summary>Request examples shown in the document and pre-filled in Swagger UI, by operation id.</summary>
internal static class Examples
{
    public static readonly Dictionary<string, string> Requests = new()
    {
        ["RequestTicket"] = """{"system": "ERP", "category": "AccountPermission", "title": "Grant the new accountant the AP clerk role", "description": "Wang Li joined finance on Monday and needs the accounts-payable clerk role in ERP.", "impact": "Individual", "urgency": "Medium"}""",
        ["TicketTriage"] = """{"group": "JS-L2BIZ", "assignee": "js-engineer", "impact": "Individual", "urgency": "Medium", "note": "Account change for ERP"}""",
        ["TicketStart"] = """{"note": "Looking at it"}""",
        ["TicketRequestApproval"] = """{"plan": {"what": "Add role AP_CLERK to user wangli in ERP production", "transport": "Role change in QA, then production", "backup": "Export wangli's current role set", "test": "Log in as wangli in QA and post a test invoice", "rollback": "Restore the exported role set"}, "assessment": {"risk": "Low", "impact": "The roles of one ERP user"}}""",
        ["TicketApprove"] = """{"comment": "Approved by the finance department"}""",
        ["TicketReject"] = """{"reason": "The role must be requested by the department head"}""",
        ["TicketHold"] = """{"reason": "Waiting for the user to be back from leave"}""",
        ["TicketResume"] = """{"note": "User is back"}""",
        ["TicketEscalate"] = """{"reason": "Posting fails with a kernel error in the central ERP", "whatWasTried": "Cleared the user's buffer, reproduced with a test user, checked the interface log", "hqGroup": "HQ-L3"}""",
        ["TicketHqReturn"] = """{"guidance": "Apply note 123456 to the provincial client, then retry the posting"}""",
        ["TicketResolve"] = """{"code": "ChangeImplemented", "resolution": "Role AP_CLERK added", "testResult": "wangli posted a test invoice in production: accepted"}""",
        ["TicketConfirm"] = """{"satisfaction": 5, "comment": "Works, thanks"}""",
        ["TicketReopen"] = """{"reason": "The role is missing again after the nightly sync"}""",
        ["TicketCancel"] = """{"reason": "Raised twice by mistake"}""",
        ["TicketReassign"] = """{"group": "JS-L2SYS", "assignee": null, "reason": "It is a database problem, not an application one"}""",
        ["AddComment"] = """{"body": "Called the user; the error appears only in the afternoon.", "visibility": "Public"}""",
    };
}
