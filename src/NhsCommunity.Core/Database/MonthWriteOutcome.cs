namespace NhsCommunity.Database;

/// <summary>How one month's write went: per-document results, cost (round trips, attempts, time) and, if it failed, why.</summary>
public sealed record MonthWriteOutcome(
    DateTime Period,
    IReadOnlyList<TrustMetricsWriteResult> Results,
    int RoundTrips,
    int Attempts,
    TimeSpan Elapsed,
    Exception? Failure)
{
    public bool Succeeded => Failure is null;

    public int Count(TrustMetricsWriteStatus status) => Results.Count(r => r.Status == status);
}
