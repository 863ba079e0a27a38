using Itsm.Domain.Organisation;

namespace Itsm.Domain.Escalations;

/// <summary>
/// Which groups an escalation may name (相关部门, Art. 10(4)): a line-3 or line-2 group of headquarters. Line 1 takes
/// no escalations, and a unit's own groups are reached by reassigning, not by escalating.
/// </summary>
public static class EscalationTarget
{
    public static bool Takes(SupportGroup group) =>
        UnitPaths.IsRoot(group.UnitPath) && group.Line is SupportLine.Line3 or SupportLine.Line2System or SupportLine.Line2Business;

    public static string Refusal(SupportGroup group) =>
        $"Group '{group.Id}' cannot take an escalation: name a Line3, Line2System or Line2Business group of headquarters.";
}
