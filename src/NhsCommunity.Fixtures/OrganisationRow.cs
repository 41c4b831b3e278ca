using NhsCommunity.Catalogue;

namespace NhsCommunity.Fixtures;

/// <summary>One data row of a Table 4 sheet: National (code blank, name England), a region, an ICB or a provider.</summary>
public sealed record OrganisationRow(OrganisationType Type, string Code, string Name);
