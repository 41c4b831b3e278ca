namespace NhsCommunity.Mapping;

/// <summary>A trust as trust_metrics knows it: its code and its latest name.</summary>
public sealed record KnownTrust(string Code, string Name);
