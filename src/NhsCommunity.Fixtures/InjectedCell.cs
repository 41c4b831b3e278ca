namespace NhsCommunity.Fixtures;

/// <summary>Where a <see cref="CellOverride"/> landed: sheet and A1 reference, so tests can expect errors to name it.</summary>
public sealed record InjectedCell(string Sheet, string Reference, object? Value);
