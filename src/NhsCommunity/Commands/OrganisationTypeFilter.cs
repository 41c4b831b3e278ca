namespace NhsCommunity.Commands;

/// <summary>Which levels of a workbook Import-CommunityWorkbook emits. Provider by default: the level trusts are at.</summary>
public enum OrganisationTypeFilter
{
    Provider,
    ICB,
    Region,
    National,
    All,
}
