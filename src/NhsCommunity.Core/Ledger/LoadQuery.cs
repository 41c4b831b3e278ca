namespace NhsCommunity.Ledger;

/// <summary>Which ledger rows Get-CommunityLoad returns; every filter is optional and they combine.</summary>
public sealed record LoadQuery
{
    public IReadOnlyList<DateTime> Periods { get; init; } = [];

    public IReadOnlyList<Guid> RunIds { get; init; } = [];

    /// <summary>Only the rows of the last N runs (by when they wrote their first ledger row).</summary>
    public int? LastRuns { get; init; }

    public bool FailedOnly { get; init; }
}
