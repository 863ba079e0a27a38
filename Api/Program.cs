using System.Text.Json.Serialization;
using Itsm.Api.Access;
using Itsm.Api.Accounts;
using Itsm.Api.Admin;
using Itsm.Api.Attachments;
using Itsm.Api.Browser;
using Itsm.Api.Email;
using Itsm.Api.Configuration;
using Itsm.Api.Health;
using Itsm.Api.Hosting;
using Itsm.Api.Idempotency;
using Itsm.Api.Inspections;
using Itsm.Api.Integrations;
using Itsm.Api.OpenApi;
using Itsm.Api.Organisation;
using Itsm.Api.Problems;
using Itsm.Api.RateLimits;
using Itsm.Api.Reports;
using Itsm.Api.ServiceLevels;
using Itsm.Api.Storage;
using Itsm.Api.Telemetry;
using Itsm.Api.Tickets;
using Itsm.Api.Validation;
using Itsm.Api.Webhooks;
using Itsm.Api.Workflow;
using Itsm.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
builder.Services.AddStrictEnums();
builder.Services.AddUtcInstants();
// Numbers are JSON numbers: the web default also reads "42", which makes the document say `[integer, string]`.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemResults.Customize);
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
builder.Services.AddExceptionHandler<BadRequestHandler>();
builder.Services.AddValidation();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddItsmInfrastructure(builder.Configuration);
builder.Services.AddItsmStorage();
builder.Services.AddAttachments();
builder.Services.AddItsmHealthChecks();
builder.Services.AddServiceLevels();
builder.Services.AddRetention();
builder.Services.AddOutbox();
builder.Services.AddEmail();
builder.Services.AddInspections(builder.Configuration, builder.Environment);
builder.Services.AddAccounts();
builder.Services.AddConfigurationInventory();
builder.Services.AddReports();
builder.Services.AddApiKeyAuthentication();
builder.Services.AddSingleSignOn();
builder.Services.AddAuthenticationThrottle(builder.Configuration);
builder.Services.AddRateLimits();
builder.Services.AddBrowserAccess();
builder.Services.AddItsmOpenApi();
builder.AddItsmTelemetry();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseClientAddress();
app.UseBrowserAccess();
app.UseAuthenticationThrottle();
app.UseDatabaseGate();
app.UseAuthentication();
app.UseRateLimits();
app.UseAuthorization();
app.UseUtf8Queries();
app.UseStrictEnumParameters();
app.UseJsonCharset();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapItsmOpenApi();
app.MapHealth();
app.MapItsmTelemetry();

var api = app.MapGroup("/api/v1").RequireAuthorization().RequireItemsInLists().LinkNextPages().ProducesProblem(StatusCodes.Status401Unauthorized);
api.MapTickets();
api.MapTicketActions();
api.MapAttachments();
api.MapTicketEdits().MapWatchers().MapTicketLinks();
api.MapServiceLevels();
api.MapWorkflow();
api.MapOrganisation();
api.MapAdmin();
api.MapWebhooks();
api.MapIntegrations();
api.MapInspections();
api.MapEmail();
api.MapAccounts();
api.MapAccessReviews();
api.MapConfiguration();
api.MapReports();
api.MapAssessments();

if (args.FirstOrDefault() == AdminBootstrap.Command)
    return await AdminBootstrap.RunAsync(app.Services, args);

await app.RunAsync();
return Environment.ExitCode;
