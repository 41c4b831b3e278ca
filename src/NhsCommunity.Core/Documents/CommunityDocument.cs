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
    public required Month Period { get; init; }

    /// <summary>The JSONB text, byte-identical for the same input, keys exactly as community-jsonb.md.</summary>
    public required string Json { get; init; }

    public int ServicesReported { get; init; }

    public long TotalWaitingAllServices { get; init; }

    public int ServicesWith52PlusBreaches { get; init; }

    public DateTime? LastUpdated { get; init; }

    public string SourceFile { get; init; } = "";

    /// <summary>Whether the month publishes the 52+ band split into 52-104 and 104+ weeks.</summary>
    public bool HasSplit52Weeks { get; init; }

    /// <summary>
    /// Services whose bands do not add up to their total, as "adult_services.audiology": the source's
    /// own data quality, reported and never corrected (also in metadata.band_sum_mismatches).
    /// </summary>
    public IReadOnlyList<string> BandSumMismatches { get; init; } = [];

    /// <summary>
    /// Bands left blank in a service that was otherwise reported, as "adult_services.audiology.wait_0_1_weeks":
    /// absent from the JSON rather than written as an invented 0 (also in metadata.blank_bands).
    /// </summary>
    public IReadOnlyList<string> BlankBands { get; init; } = [];
}
