namespace NhsCommunity.Coverage;

/// <summary>
/// The order of a report's rows and findings: total, so that a report read in parts (or in another plan) lists
/// exactly what a report read in one statement does.
/// </summary>
internal static class CoverageOrder
{
    /// <summary>By trust and month; duplicate rows for one trust and month by the rest of the row.</summary>
    public static Comparison<CoverageRow> Rows { get; } = (a, b) =>
    {
        int c = string.CompareOrdinal(a.TrustCode, b.TrustCode);
        c = c != 0 ? c : a.Period.CompareTo(b.Period);
        c = c != 0 ? c : string.CompareOrdinal(a.TrustName, b.TrustName);
        c = c != 0 ? c : string.CompareOrdinal(a.IcbCode, b.IcbCode);
        c = c != 0 ? c : a.ServicesReported.CompareTo(b.ServicesReported);
        return c != 0 ? c : a.TotalWaiting.CompareTo(b.TotalWaiting);
    };

    /// <summary>By check (in the order of <paramref name="checks"/>), trust, month, service and detail.</summary>
    public static Comparison<CoverageFinding> Findings(IReadOnlyList<CoverageCheck> checks)
    {
        var order = checks.Select((check, i) => (check.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return (a, b) =>
        {
            int c = order[a.Check].CompareTo(order[b.Check]);
            c = c != 0 ? c : string.CompareOrdinal(a.TrustCode, b.TrustCode);
            c = c != 0 ? c : Nullable.Compare(a.Period, b.Period);
            c = c != 0 ? c : string.CompareOrdinal(a.ServicePath, b.ServicePath);
            return c != 0 ? c : string.CompareOrdinal(a.Detail, b.Detail);
        };
    }
}
