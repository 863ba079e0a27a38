using System.Text.Json.Nodes;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.OpenApi;

namespace Itsm.Api.OpenApi;

/// <summary>The document's <c>webhooks</c>: what a subscribed helpdesk tool receives, one entry per event type.</summary>
internal static class WebhooksDocument
{
    public static void Describe(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas["WebhookEvent"] = EventSchema(document);
        document.Webhooks = new Dictionary<string, IOpenApiPathItem>();
        foreach (var type in TicketEvents.Types)
        {
            var operation = new OpenApiOperation
            {
                OperationId = "Webhook_" + type.Replace('.', '_'),
                Summary = Summaries.GetValueOrDefault(type, type),
                Description = "POSTed to each subscription that wants it, signed the Standard Webhooks way: `webhook-id` (the event id, the " +
                              "same on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 " +
                              "of `id.timestamp.body` with the subscription's secret; two signatures during a secret rotation).",
                Parameters =
                [
                    Header("webhook-id", "The event id: deduplicate on it."),
                    Header("webhook-timestamp", "Unix seconds; reject messages more than 5 minutes away."),
                    Header("webhook-signature", "Space-separated `v1,<base64>` signatures."),
                ],
                RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference("WebhookEvent", document), Example = Example(type) },
                    },
                },
                Responses = new OpenApiResponses
                {
                    ["2XX"] = new OpenApiResponse { Description = "Received; the delivery is done." },
                    ["410"] = new OpenApiResponse { Description = "Gone: the subscription is disabled." },
                    ["default"] = new OpenApiResponse { Description = "Any other answer, or none: retried with backoff over hours, then a dead letter." },
                },
            };
            document.Webhooks[type] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
        }
    }

    private static readonly Dictionary<string, string> Summaries = new()
    {
        ["ticket.created"] = "A ticket was raised", ["ticket.triaged"] = "Line 1 triaged a ticket to a group",
        ["ticket.assigned"] = "A ticket moved to another group", ["ticket.escalated"] = "A ticket was escalated to headquarters",
        ["ticket.hq_returned"] = "Headquarters returned a ticket with guidance", ["ticket.resolved"] = "A ticket was resolved",
        ["ticket.reopened"] = "A resolved ticket went back to work: reopened, or a change evaluated not effective",
        ["ticket.closed"] = "A ticket closed (confirmed, a change evaluated effective, rejected or auto-closed)",
        ["ticket.cancelled"] = "A ticket was cancelled", ["ticket.commented"] = "A public comment was added (internal notes are never sent)",
        ["sla.warning"] = "75 % of a service-level target is used", ["sla.breached"] = "A service-level target was missed",
        ["ticket.evaluation_overdue"] = "A resolved change was not evaluated by its business department within the confirmation window (sent once)",
        ["inspection.completed"] = "An inspection run completed and every item passed",
        ["inspection.failed"] = "An inspection run completed with failed items (each opened a finding ticket)",
        ["inspection.missed"] = "An inspection run was not completed within its window",
        ["account.changed"] = "An AccountPermission resolve changed an account of the register (`account`, `change`, `ticket`)",
        [TicketEvents.ConfigurationChanged] = "A system's configuration inventory changed: a ticket wrote new values (a configuration change as it was " +
                                              "resolved; `source: Ticket`), an item was entered without a ticket (`source: Create`, one event per item) " +
                                              "or a CSV import entered items (`source: Import`, one event per import with `count`, no `items`)",
        [TicketEvents.AccessReviewCompleted] = "Every item of an access review was decided (`accessReview`; the Revoke tickets follow as `ticket.created`)",
        [TicketEvents.AccessReviewOverdue] = "An access review passed its due time with items undecided (sent once; `accessReview`)",
    };

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = true, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiSchema EventSchema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "One event about a ticket (`ticket`), for `inspection.*` an inspection run (`inspectionRun`), for `configuration.changed` a system's configuration inventory (`configuration`), for `access-review.*` an access review (`accessReview`).",
        Required = new HashSet<string> { "id", "type", "occurredAt" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event id (also webhook-id)." },
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = TicketEvents.Types.Select(t => (JsonNode)JsonValue.Create(t)!).ToList() },
            ["occurredAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["actor"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Who did it (`system` for the service itself)." },
            ["ticket"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                    ["number"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["unit"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["system"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["category"] = new OpenApiSchemaReference(nameof(Category), document),
                    ["priority"] = new OpenApiSchemaReference(nameof(Priority), document),
                    ["status"] = new OpenApiSchemaReference(nameof(TicketStatus), document),
                    ["group"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["assignee"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["requester"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Whom the ticket serves (on whose behalf it was raised)." },
                    ["raisedBy"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Who raised it: the requester, or line 1 or an integration on the requester's behalf." },
                    ["hqGroup"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String | JsonSchemaType.Null,
                        Description = "The HQ group the escalation names (only its members and the HQ system answer it); null: any HQ engineer may.",
                    },
                },
            },
            ["inspectionRun"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                    ["plan"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                    ["planName"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["unit"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["system"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["group"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["scheduledAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                    ["deadline"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                    ["state"] = new OpenApiSchemaReference(nameof(Domain.Inspections.RunState), document),
                    ["failedItems"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            ["account"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "`account.changed`: the account as the change left it (system, login, holder, unit, department, roles, status).",
            },
            ["change"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "`account.changed`: the change applied (op, role).",
            },
            ["configuration"] = ConfigurationSchema(),
            ["accessReview"] = AccessReviewSchema(),
            ["details"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "What the change carried: e.g. requester and raisedBy (created), reason, whatWasTried and hqGroup when one is named (escalated), " +
                              "code and resolution (resolved; for a change also implementedAt and testResult), effective and comment (an evaluation), " +
                              "body (commented), clock and deadline (sla.*), confirmationDue (evaluation_overdue).",
            },
        },
    };

    /// <summary><c>access-review.completed</c> and <c>.overdue</c>: the review as it then stood.</summary>
    private static OpenApiSchema AccessReviewSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
            ["system"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["unit"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The unit the review covers (with its sub-units)." },
            ["department"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The owning department that decides it." },
            ["period"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The quarter of a scheduled review (e.g. 2026-Q4)." },
            ["state"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Completed")!, JsonValue.Create("Overdue")!] },
            ["dueBy"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["openedAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
        },
    };

    /// <summary><c>configuration.changed</c>: the system, the ticket, and the items it wrote.</summary>
    private static OpenApiSchema ConfigurationSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["system"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["ticket"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64", Description = "The ticket that wrote the items (a configuration change's resolve); null without one." },
            ["source"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Enum = [JsonValue.Create("Ticket")!, JsonValue.Create("Create")!, JsonValue.Create("Import")!],
                Description = "What wrote: a ticket, an item entered without a ticket, or a CSV import without a ticket.",
            },
            ["unit"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`Import`: the unit the items were entered for." },
            ["count"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "How many items were written (for an import: entered; `items` is then empty)." },
            ["items"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["key"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["environment"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["unit"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["version"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                        ["createdBy"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Inventory")!, JsonValue.Create("Change")!] },
                    },
                },
            },
        },
    };

    private static JsonNode Example(string type)
    {
        if (type == TicketEvents.ConfigurationChanged)
            return JsonNode.Parse("""
                {"id": "evt_3c2b1a0f9e8d4c7b6a5f4e3d2c1b0a99", "type": "configuration.changed", "occurredAt": "2026-12-04T09:30:00Z", "actor": "js-engineer",
                 "configuration": {"system": "ERP", "ticket": 42, "source": "Ticket", "count": 1,
                                   "items": [{"key": "posting.period.open", "environment": "Production", "unit": "JS", "version": 3, "createdBy": "Inventory"}]},
                 "details": {}}
                """)!;
        if (type.StartsWith("access-review.", StringComparison.Ordinal))
        {
            var review = JsonNode.Parse("""
                {"id": "evt_9a8b7c6d5e4f4a3b2c1d0e9f8a7b6c5d", "type": "", "occurredAt": "2026-12-20T09:00:00Z", "actor": "system",
                 "accessReview": {"id": 7, "system": "ERP", "unit": "JS", "department": "DEPT-3", "period": "2026-Q4", "state": "Overdue",
                                  "dueBy": "2026-12-20T09:00:00Z", "openedAt": "2026-10-01T00:00:00Z"},
                 "details": {}}
                """)!;
            review["type"] = type;
            if (type == TicketEvents.AccessReviewCompleted)
            {
                review["actor"] = "js-approver";
                review["accessReview"]!["state"] = "Completed";
            }
            return review;
        }
        if (type.StartsWith("inspection.", StringComparison.Ordinal))
        {
            var run = JsonNode.Parse("""
                {"id": "evt_0b7e4c2d1a9f4e3c8d6b5a4f3e2d1c0b", "type": "", "occurredAt": "2026-12-04T03:00:00Z", "actor": "system",
                 "inspectionRun": {"id": 7, "plan": 1, "planName": "ERP daily inspection", "unit": "JS", "system": "ERP", "group": "JS-L2BIZ",
                                   "scheduledAt": "2026-12-04T01:00:00Z", "deadline": "2026-12-04T03:00:00Z", "state": "Missed", "failedItems": []},
                 "details": {}}
                """)!;
            run["type"] = type;
            run["inspectionRun"]!["state"] = type switch { "inspection.completed" => "Passed", "inspection.failed" => "Failed", _ => "Missed" };
            return run;
        }
        var example = JsonNode.Parse("""
            {"id": "evt_5f0c7d2a9b4e4c1f8a3d6e2b1c0a9f87", "type": "", "occurredAt": "2026-12-04T08:00:00Z", "actor": "js-servicedesk",
             "ticket": {"id": 42, "number": "JS-2026-000042", "unit": "JS", "system": "ERP", "title": "Posting fails", "category": "ApplicationProblem",
                        "priority": "P3", "status": "Triaged", "group": "JS-L2SYS", "assignee": null,
                        "requester": "js-requester", "raisedBy": "js-servicedesk", "hqGroup": null},
             "details": {}}
            """)!;
        example["type"] = type;
        if (type == TicketEvents.ByAction[TicketAction.Escalate])
        {
            // The same body goes to the HQ system: it names the HQ group that should take the ticket, when one is named.
            example["ticket"]!["status"] = nameof(TicketStatus.EscalatedToHq);
            example["ticket"]!["hqGroup"] = "HQ-L3";
            example["details"] = new JsonObject
            {
                ["reason"] = "Posting fails with a kernel error in the central ERP", ["whatWasTried"] = "Reproduced with a test user",
                ["hqGroup"] = "HQ-L3",
            };
        }
        return example;
    }
}
