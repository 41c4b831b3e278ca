using NhsCommunity.Catalogue;

namespace NhsCommunity.Queries;

/// <summary>One service of one trust in one month, flattened from community_data.</summary>
public sealed class WaitingListRow : WaitingFigures
{
    public required string TrustCode { get; init; }

    public string TrustName { get; init; } = "";

    public string? IcbCode { get; init; }

    public string? IcbName { get; init; }

    /// <summary>First day of the month.</summary>
    public required Month Period { get; init; }

    public required ServiceCategory Category { get; init; }

    /// <summary>The key under adult_services or cyp_services, e.g. "audiology".</summary>
    public required string ServiceKey { get; init; }

    public override string ToString() => $"{TrustCode} {Period:yyyy-MM} {Category} {ServiceKey}: {TotalWaiting}";
}
