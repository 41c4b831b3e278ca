namespace NhsCommunity.Fixtures;

/// <summary>An integrated care board (Q-code) and the region it belongs to.</summary>
public sealed record SyntheticIcb(string Code, string Name, string RegionCode);
