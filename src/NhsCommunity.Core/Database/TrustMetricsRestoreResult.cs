namespace NhsCommunity.Database;

/// <summary>One row put back by Restore-TrustMetrics: Restored (previous value and updated_at back) or Removed (a row the run inserted).</summary>
public sealed record TrustMetricsRestoreResult(
    string TrustCode,
    Month Period,
    string DataType,
    string Column,
    string Status,
    Guid RunId);
