namespace NhsCommunity.Mart;

/// <summary>What Install-CommunityMart or Uninstall-CommunityMart did, and what the mart holds afterwards.</summary>
public sealed record MartResult
{
    /// <summary>"user@host:port/database".</summary>
    public required string Database { get; init; }

    /// <summary>The schema of trust_metrics, where the mart lives.</summary>
    public required string Schema { get; init; }

    /// <summary>True after Install-CommunityMart; false after Uninstall-CommunityMart.</summary>
    public required bool Installed { get; init; }

    /// <summary>Rows of community_waiting_list (one per trust, month, data type, category and service).</summary>
    public long Rows { get; init; }

    /// <summary>Rows of trust_metrics the mart follows (community_mart_document).</summary>
    public long Documents { get; init; }

    /// <summary>Rows of community_trust.</summary>
    public long Trusts { get; init; }

    /// <summary>Rows of community_service (the catalogue).</summary>
    public long Services { get; init; }

    /// <summary>For an uninstall: the tables, functions and triggers dropped (none when there was nothing to drop).</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    public TimeSpan Elapsed { get; init; }
}
