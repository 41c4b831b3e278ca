namespace NhsCommunity.Ledger;

/// <summary>A ledger row the run writes outside a month's transaction: AlreadyLoaded, Superseded or Failed (never a history row).</summary>
public sealed record LoadEntry(LoadFile File, LoadOutcome Outcome, string? Reason);
