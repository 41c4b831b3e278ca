namespace NhsCommunity.Documents;

/// <summary>
/// One trust's community_data document for one month, as ConvertTo-CommunityJsonb emits it and
/// Update-TrustMetrics consumes it (bound by property name: TrustCode, Period, Json).
/// </summary>
public sealed class CommunityDocument
{
    public required string TrustCode { get; init; }

    /// <summary>The provider's name as the workbook prints it.</summary>
    public string TrustName { get; init; } = "";

    /// <summary>First day of the month.</summary>
    public required DateTime Period { get; init; }

    /// <summary>The JSONB text, byte-identical for the same input, keys exactly as community-jsonb.md.</summary>
    public required string Json { get; init; }

    public int ServicesReported { get; init; }

    public long TotalWaitingAllServices { get; init; }

    public int ServicesWith52PlusBreaches { get; init; }

    public DateTime? LastUpdated { get; init; }

    public string SourceFile { get; init; } = "";
}
