namespace NhsCommunity.Catalogue;

/// <summary>The levels a Table 4 sheet publishes, in the order its rows come.</summary>
public enum OrganisationType
{
    National,
    Region,
    ICB,
    Provider,
}
