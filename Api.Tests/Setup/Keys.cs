namespace Itsm.Api.Tests.Setup;

/// <summary>The demo API keys seeded into an empty embedded database.</summary>
public static class Keys
{
    public const string JsRequester = "demo-js-requester";
    public const string JsServiceDesk = "demo-js-servicedesk";
    public const string JsEngineer = "demo-js-engineer";
    /// <summary>An approver of JS Finance (JS-FIN); <see cref="JsHrApprover"/> approves for JS Human Resources (JS-HR).</summary>
    public const string JsApprover = "demo-js-approver";
    public const string JsHrApprover = "demo-js-hr-approver";
    public const string JsItManager = "demo-js-itmanager";
    public const string ZjRequester = "demo-zj-requester";
    public const string ZjServiceDesk = "demo-zj-servicedesk";
    public const string ZjEngineer = "demo-zj-engineer";
    public const string ZjApprover = "demo-zj-approver";
    public const string ZjHrApprover = "demo-zj-hr-approver";
    public const string ZjItManager = "demo-zj-itmanager";
    public const string HqApprover = "demo-hq-approver";
    public const string HqHrApprover = "demo-hq-hr-approver";
    public const string HqEngineer = "demo-hq-engineer";
    public const string HqItManager = "demo-hq-itmanager";
    public const string HqIntegration = "demo-hq-integration";
}
