namespace NhsCommunity.Mapping;

/// <summary>How a provider code in the workbooks lines up with the trusts in trust_metrics.</summary>
public enum TrustMappingStatus
{
    /// <summary>An NHS trust in the workbooks and in trust_metrics: the backfill writes it.</summary>
    Matched,

    /// <summary>An NHS trust in the workbooks with no row in trust_metrics (e.g. a community-only trust with no RTT data).</summary>
    NhsTrustNotInDatabase,

    /// <summary>A provider that is not an NHS trust (community interest company, independent provider): left out of the backfill.</summary>
    NonNhsProvider,

    /// <summary>A trust in trust_metrics that no workbook given reports: it will get no community_data.</summary>
    InDatabaseNotInWorkbooks,
}
