using System.Globalization;
using System.Text;
using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>data_quality_report.md: coverage, findings by check, the best and least covered trusts, 52+ week waits by month.</summary>
public static class DataQualityMarkdown
{
    /// <summary>How many trusts each ranking lists, and how many examples each check shows.</summary>
    public const int RankingSize = 10;

    public const int ExamplesPerCheck = 5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Build(CoverageReport report)
    {
        var md = new StringBuilder();
        md.Append("# Community health services data quality report\n\n");
        md.Append(Invariant, $"Database `{report.Database}`, data type `{report.Scope.DataType}`, column `{report.Scope.Column}`; generated {report.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.\n\n");

        if (report.Rows == 0)
        {
            md.Append(Invariant, $"**No data.** trust_metrics has no rows in this report's scope ({Scope(report.Scope)}), so every table below is empty.\n\n");
        }

        AppendCoverage(md, report);
        AppendFindings(md, report);
        AppendRankings(md, report);
        Append52Weeks(md, report);
        return md.ToString();
    }

    /// <summary>Share of trust-months (trusts × months of the report) that have a document with services.</summary>
    public static double CoverageShare(CoverageReport report)
    {
        int cells = report.Trusts * report.ToMatrix().Periods.Count;
        return cells == 0 ? 0 : report.Coverage.Where(r => r.HasData).Select(r => (r.TrustCode, r.Period)).Distinct().Count() / (double)cells;
    }

    /// <summary>The scope in words: "data type 'monthly', 2024-08 to 2025-07, trusts R0A, RGT".</summary>
    public static string Scope(CoverageScope scope)
    {
        string months = (scope.FromMonth, scope.ToMonth) switch
        {
            (null, null) => "all months",
            ({ } from, null) => $"{Month(from)} onwards",
            (null, { } to) => $"up to {Month(to)}",
            ({ } from, { } to) => $"{Month(from)} to {Month(to)}",
        };
        string trusts = scope.NormalisedTrustCodes.Count == 0 ? "all trusts" : "trusts " + string.Join(", ", scope.NormalisedTrustCodes);
        return $"data type '{scope.DataType}', {months}, {trusts}";
    }

    public static string Month(DateTime period) => period.ToString("yyyy-MM", Invariant);

    public static string Number(long value) => value.ToString("N0", Invariant);

    public static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static void AppendCoverage(StringBuilder md, CoverageReport report)
    {
        string range = report.FirstPeriod is { } first && report.LastPeriod is { } last ? $" ({Month(first)} to {Month(last)})" : "";
        md.Append("## Coverage\n\n| Measure | Value |\n|---|---:|\n");
        md.Append(Invariant, $"| Trusts | {Number(report.Trusts)} |\n");
        md.Append(Invariant, $"| Months | {Number(report.Periods)}{range} |\n");
        md.Append(Invariant, $"| Rows | {Number(report.Rows)} |\n");
        md.Append(Invariant, $"| Documents with data | {Number(report.Documents)} |\n");
        md.Append(Invariant, $"| Trust-months covered | {CoverageShare(report):P1} |\n");
        md.Append(Invariant, $"| Result | {(report.Passed ? "**Passed**" : "**Failed**")}: {Number(report.Errors)} error(s), {Number(report.Warnings)} warning(s) |\n\n");
    }

    private static void AppendFindings(StringBuilder md, CoverageReport report)
    {
        md.Append("## Findings by check\n\n| Check | Severity | Findings | What it looks for |\n|---|---|---:|---|\n");
        foreach (CoverageCheck check in report.Checks)
        {
            md.Append(Invariant, $"| {check.Name} | {check.Severity} | {Number(report.FindingsByCheck[check.Name])} | {Cell(check.Description)} |\n");
        }

        md.Append("\nThe SQL of every check is in `checks.sql`.\n\n");
        foreach (CoverageCheck check in report.Checks)
        {
            CoverageFinding[] findings = report.Findings.Where(f => f.Check == check.Name).ToArray();
            if (findings.Length == 0)
            {
                continue;
            }

            md.Append(Invariant, $"### {check.Name}\n\n| Severity | Trust | Month | Service | Detail |\n|---|---|---|---|---|\n");
            foreach (CoverageFinding finding in findings.Take(ExamplesPerCheck))
            {
                md.Append(Invariant, $"| {finding.Severity} | {Cell(finding.TrustCode)} | {(finding.Period is { } p ? Month(p) : "")} | {Cell(finding.ServicePath)} | {Cell(finding.Detail)} |\n");
            }

            if (findings.Length > ExamplesPerCheck)
            {
                md.Append(Invariant, $"\n… and {Number(findings.Length - ExamplesPerCheck)} more.\n");
            }

            md.Append('\n');
        }
    }

    private static void AppendRankings(StringBuilder md, CoverageReport report)
    {
        IReadOnlyList<TrustServiceCoverage> ranked = TrustServiceCoverage.Rank(report);
        md.Append("## Service coverage by trust\n\nServices reported per month on average over the report's months (a month without data counts as none).\n\n");
        AppendRanking(md, "Highest service coverage", ranked.Take(RankingSize));
        AppendRanking(md, "Lowest service coverage", ranked.Reverse().Take(RankingSize));
    }

    private static void AppendRanking(StringBuilder md, string title, IEnumerable<TrustServiceCoverage> trusts)
    {
        md.Append(Invariant, $"### {title}\n\n| Trust | Name | Months with data | Average services | Most services |\n|---|---|---:|---:|---:|\n");
        foreach (TrustServiceCoverage t in trusts)
        {
            md.Append(Invariant, $"| {t.TrustCode} | {Cell(t.TrustName)} | {t.MonthsWithData} of {t.Months} | {t.AverageServices:0.0} | {t.MostServices} |\n");
        }

        md.Append('\n');
    }

    private static void Append52Weeks(StringBuilder md, CoverageReport report)
    {
        md.Append("## 52+ week waits by month\n\n| Month | Trusts with data | Waiting 52+ weeks |\n|---|---:|---:|\n");
        foreach (var (period, waiting, trusts) in report.Waits52PlusByMonth())
        {
            md.Append(Invariant, $"| {Month(period)} | {Number(trusts)} | {Number(waiting)} |\n");
        }
    }
}
