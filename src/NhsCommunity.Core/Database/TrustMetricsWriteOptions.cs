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

    /// <summary>The id the run's history versions carry, for Restore-TrustMetrics.</summary>
    public Guid RunId { get; init; } = Guid.NewGuid();

    /// <summary>
    /// How long a run waits at its start for another backfill to finish (polling its lease with back-off),
    /// and how long a month waits for other writers' row locks, before failing.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the run's lease lasts from its last renewal (each month renews it). Long enough for a slow
    /// month; a run that dies without releasing it frees the database once this has passed.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per month for transient failures (dropped connection, serialization failure, server restart).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first back-off; it doubles on each further attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
