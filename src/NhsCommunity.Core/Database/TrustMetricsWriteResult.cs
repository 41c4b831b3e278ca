namespace NhsCommunity.Database;

/// <summary>One document's outcome in a backfill run: Update-TrustMetrics emits one per document.</summary>
public sealed record TrustMetricsWriteResult(
    string TrustCode,
    Month Period,
    TrustMetricsWriteStatus Status,
    string Reason,
    Guid RunId);
