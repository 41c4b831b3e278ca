namespace NhsCommunity.Coverage;

/// <summary>What one trust_metrics row holds for one trust and month, computed in SQL from its document.</summary>
public sealed class CoverageRow
{
    public required string TrustCode { get; init; }

    public string TrustName { get; init; } = "";

    public string? IcbCode { get; init; }

    /// <summary>First day of the month.</summary>
    public required Month Period { get; init; }

    /// <summary>The row has a document with at least one service.</summary>
    public bool HasData { get; init; }

    public int ServicesReported { get; init; }

    /// <summary>Sum of total_waiting over the services.</summary>
    public long TotalWaiting { get; init; }

    /// <summary>Services with wait_52_plus_weeks above zero.</summary>
    public int ServicesWith52PlusWeeks { get; init; }

    /// <summary>Sum of wait_52_plus_weeks over the services: the longest waits, for the by-month chart.</summary>
    public long Waiting52PlusWeeks { get; init; }
}
