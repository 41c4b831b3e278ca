using System.Globalization;
using NhsCommunity.Coverage;

namespace NhsCommunity.Demo;

/// <summary>The coverage summary: one line a month (trusts, trusts with community data, waiting) and the checks' findings.</summary>
internal static class CoverageTable
{
    public static void Write(CoverageReport report, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"Month",-8} {"Trusts",7} {"WithData",9} {"Services",9} {"TotalWaiting",13} {"Waiting52Plus",14}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"-----",-8} {"------",7} {"--------",9} {"--------",9} {"------------",13} {"-------------",14}"));
        foreach (IGrouping<Month, CoverageRow> month in report.Coverage.GroupBy(r => r.Period).OrderBy(g => g.Key))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{month.Key:yyyy-MM}  {month.Count(),7} {month.Count(r => r.HasData),9} {month.Sum(r => r.ServicesReported),9} {month.Sum(r => r.TotalWaiting),13:N0} {month.Sum(r => r.Waiting52PlusWeeks),14:N0}"));
        }

        output.WriteLine();
        string byCheck = string.Join(", ", report.FindingsByCheck.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Coverage: {report.Documents} of {report.Rows} trust-months have community data ({report.Trusts} trusts, {report.Periods} months); "
            + $"{report.Checks.Count} checks: {report.Errors} errors, {report.Warnings} warnings{(byCheck.Length > 0 ? " (" + byCheck + ")" : "")}."));
        output.WriteLine(report.Passed ? "Coverage checks passed." : "Coverage checks FAILED: see Test-CommunityCoverage for the findings.");
    }
}
