namespace NhsCommunity.Coverage;

/// <summary>One problem one check found: which trust, month and service, and what is wrong.</summary>
public sealed class CoverageFinding
{
    /// <summary>The check's name, e.g. "BandSum" (see <see cref="CoverageChecks"/>).</summary>
    public required string Check { get; init; }

    public required FindingSeverity Severity { get; init; }

    public string? TrustCode { get; init; }

    /// <summary>First day of the month; null for findings about a trust as a whole.</summary>
    public Month? Period { get; init; }

    /// <summary>
    /// The JSON path of the service ("adult_services.audiology") or key the finding is about. Not named
    /// Service or ServiceKey: piped on, a path must not bind where a service key is meant.
    /// </summary>
    public string? ServicePath { get; init; }

    public required string Detail { get; init; }

    public override string ToString() =>
        $"{Severity} {Check} {TrustCode} {Period:yyyy-MM} {ServicePath}: {Detail}".Replace("  ", " ", StringComparison.Ordinal);
}
