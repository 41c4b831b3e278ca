namespace NhsCommunity.Fixtures;

/// <summary>An NHS England region as the Table 4 sheets list it (Y-code, upper-case name).</summary>
public sealed record SyntheticRegion(string Code, string Name);
