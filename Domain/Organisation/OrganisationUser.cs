namespace Itsm.Domain.Organisation;

/// <summary>
/// A user of the organisation as others see them: where they belong, whether they are a person or another system, and
/// whether they may be a ticket's requester (a person holding the Requester role: they see, confirm and reopen it).
/// </summary>
public sealed record OrganisationUser(string Id, string UnitId, string UnitPath, bool IsPerson, bool IsRequester = false)
{
    /// <summary>A ticket raised for this user at a unit must be one they can see: their unit or below.</summary>
    public bool Sees(string unitPath) => UnitPaths.IsWithin(unitPath, UnitPath);
}
