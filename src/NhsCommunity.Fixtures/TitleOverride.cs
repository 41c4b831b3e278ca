namespace NhsCommunity.Fixtures;

/// <summary>Makes one sheet's title name a different month, as a mis-assembled workbook would.</summary>
public sealed record TitleOverride(string Sheet, DateTime Period);
