namespace Itsm.Domain.Organisation;

/// <summary>A user of the organisation as others see them: where they belong, and whether they are a person or another system.</summary>
public sealed record OrganisationUser(string Id, string UnitId, string UnitPath, bool IsPerson);
