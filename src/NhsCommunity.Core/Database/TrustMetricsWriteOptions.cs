namespace NhsCommunity.Database;

/// <summary>How a backfill writes: which column and data type, whether to add rows, and how long to wait and retry.</summary>
public sealed record TrustMetricsWriteOptions
{
    public const string DefaultColumn = "community_data";

    public const string DefaultDataType = "monthly";

    /// <summary>The jsonb column written; validated as an identifier and quoted.</summary>
    public string Column { get; init; } = DefaultColumn;

    public string DataType { get; init; } = DefaultDataType;

    /// <summary>Insert rows for trusts/periods not in trust_metrics (needs the document's trust name).</summary>
    public bool AddMissingRows { get; init; }

    /// <summary>The id under which previous values are kept, for Restore-TrustMetrics.</summary>
    public Guid RunId { get; init; } = Guid.NewGuid();

    /// <summary>How long a month waits for another backfill (or other writers' row locks) before failing.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per month for transient failures (dropped connection, serialization failure, server restart).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first back-off; it doubles on each further attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
