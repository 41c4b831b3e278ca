using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>
/// How much of the period a trust covers: months with data, and the services it reports on average per
/// month of the report (a month without data counts as none), the measure the rankings sort by.
/// </summary>
public sealed record TrustServiceCoverage(string TrustCode, string TrustName, int MonthsWithData, int Months, double AverageServices, int MostServices)
{
    public static IReadOnlyList<TrustServiceCoverage> Rank(CoverageReport report)
    {
        CoverageMatrix matrix = report.ToMatrix();
        int months = matrix.Periods.Count;
        return matrix.Rows
            .Select(r => new TrustServiceCoverage(
                r.TrustCode,
                r.TrustName,
                r.MonthsWithData,
                months,
                months == 0 ? 0 : r.Cells.Sum(c => c ?? 0) / (double)months,
                r.Cells.Max(c => c ?? 0)))
            .OrderByDescending(t => t.AverageServices)
            .ThenBy(t => t.TrustCode, StringComparer.Ordinal)
            .ToArray();
    }
}
