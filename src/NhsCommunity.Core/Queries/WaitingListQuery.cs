using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;

namespace NhsCommunity.Queries;

/// <summary>The filters of Get-CommunityWaitingList; every one is applied in SQL.</summary>
public sealed record WaitingListQuery
{
    /// <summary>Table, data type, month range and trusts.</summary>
    public CoverageScope Scope { get; init; } = new();

    public IReadOnlyList<string> IcbCodes { get; init; } = [];

    /// <summary>Exact months (any day of the month); empty for all.</summary>
    public IReadOnlyList<DateTime> Periods { get; init; } = [];

    public ServiceCategory? Category { get; init; }

    /// <summary>Service keys ("audiology"); empty for all.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    public long? MinTotalWaiting { get; init; }

    public long? Min52PlusWeeks { get; init; }

    /// <summary>
    /// Rows must also match one of these whole (each a trust, month, ICB and service, null for any); empty
    /// for no such filter. The other filters still apply: they narrow the scan first.
    /// </summary>
    public IReadOnlyList<WaitingListSelection> Selections { get; init; } = [];

    /// <summary>Empty for one row per service; otherwise sums per group.</summary>
    public IReadOnlyList<WaitingListGrouping> GroupBy { get; init; } = [];
}
