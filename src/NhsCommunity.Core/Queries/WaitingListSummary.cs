using NhsCommunity.Catalogue;

namespace NhsCommunity.Queries;

/// <summary>
/// Waiting list rows summed over a group (Get-CommunityWaitingList -GroupBy): the grouping's own
/// properties are set, the others are null. Figures are sums of the rows' figures (absent keys count nothing).
/// </summary>
public sealed class WaitingListSummary : WaitingFigures
{
    public required IReadOnlyList<WaitingListGrouping> GroupBy { get; init; }

    public string? IcbCode { get; init; }

    public string? IcbName { get; init; }

    public string? TrustCode { get; init; }

    public string? TrustName { get; init; }

    public Month? Period { get; init; }

    public ServiceCategory? Category { get; init; }

    public string? ServiceKey { get; init; }

    /// <summary>Number of waiting list rows (services of trusts in months) summed.</summary>
    public long Rows { get; init; }

    /// <summary>Distinct trusts among them.</summary>
    public long Trusts { get; init; }
}
