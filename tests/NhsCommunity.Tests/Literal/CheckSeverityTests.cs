using System.Globalization;
using System.Text.RegularExpressions;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Checks;
using NhsCommunity.Tests.Coverage;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using NhsCommunity.Workbooks.Checks;
using CoverageSeverity = NhsCommunity.Coverage.FindingSeverity;
using WorkbookSeverity = NhsCommunity.Workbooks.Checks.FindingSeverity;

namespace NhsCommunity.Tests.Literal;

/// <summary>
/// The severity of every check, written out: Test-CommunityWorkbook's (an Error means the numbers cannot all be
/// right) and Test-CommunityCoverage's (an Error fails the report). A change of severity must change this table.
/// </summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class CheckSeverityTests
{
    private static readonly Dictionary<string, WorkbookSeverity> WorkbookChecks = new()
    {
        ["Reconciliation"] = WorkbookSeverity.Error,
        ["BandSum"] = WorkbookSeverity.Warning,
        ["FileName"] = WorkbookSeverity.Warning,
        ["UnknownHeader"] = WorkbookSeverity.Warning,
        ["MissingSheet (a band sheet)"] = WorkbookSeverity.Error,
        ["MissingSheet (another sheet)"] = WorkbookSeverity.Warning,
        ["UnexpectedSheet"] = WorkbookSeverity.Information,
    };

    private static readonly Dictionary<string, CoverageSeverity> CoverageChecksTable = new()
    {
        ["InvalidDocument"] = CoverageSeverity.Error,
        ["MissingKey"] = CoverageSeverity.Error, // Info for a band the workbook left blank (metadata.blank_bands)
        ["NotANumber"] = CoverageSeverity.Error,
        ["NegativeCount"] = CoverageSeverity.Error,
        ["SplitSum"] = CoverageSeverity.Error,
        ["MetadataMismatch"] = CoverageSeverity.Error,
        ["UnknownService"] = CoverageSeverity.Warning,
        ["BandSum"] = CoverageSeverity.Warning, // Info within 1% of the total (or 2 patients): ThresholdTests
        ["EmptyDocument"] = CoverageSeverity.Warning,
        ["MissingMonth"] = CoverageSeverity.Warning,
        ["DuplicateRow"] = CoverageSeverity.Error,
        ["NotTrustCode"] = CoverageSeverity.Error,
        ["SourceMismatch"] = CoverageSeverity.Error,
    };

    /// <summary>The mart's dbt-style tests, run only when the mart is installed.</summary>
    private static readonly Dictionary<string, CoverageSeverity> MartChecksTable = new()
    {
        ["MartUnique"] = CoverageSeverity.Error,
        ["MartNotNull"] = CoverageSeverity.Error,
        ["MartRelationships"] = CoverageSeverity.Error, // Warning for a service key not in community_service (as UnknownService)
        ["MartAcceptedValues"] = CoverageSeverity.Error, // Warning for a service key not in the catalogue (as UnknownService)
        ["MartReconciliation"] = CoverageSeverity.Error,
    };

    private readonly BadDocumentsFixture _fixture;

    public CheckSeverityTests(BadDocumentsFixture fixture) => _fixture = fixture;

    [Fact]
    public void Every_workbook_check_has_the_severity_of_the_table()
    {
        // One January workbook with every fault: a band sum off, named for another month, an unknown service,
        // no Contents sheet, an extra Table 5, no Table 4h, and a provider row lost (providers no longer add up).
        var spec = new WorkbookSpec(new DateTime(2025, 1, 1))
        {
            BandSumMismatches = 1,
            FileNameMonth = new DateTime(2024, 1, 1),
            UnknownServiceHeader = "(CYP) Sleep clinic",
            OmitSheets = ["Contents"],
            ExtraSheets = ["Table 5"],
        };
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(spec);
        CommunityRecord lost = workbook.ExpectedRecords("x").First(r => r.OrganisationType == OrganisationType.Provider && r.TotalWaiting > 0);
        WorkbookContent content = CheckContent.From(workbook, records: workbook.ExpectedRecords(workbook.FileName).Where(r => !(r.OrganisationCode == lost.OrganisationCode && r.Service == lost.Service)).ToArray());
        content = new WorkbookContent
        {
            SourceFile = content.SourceFile,
            Period = content.Period,
            HasSplit52Weeks = content.HasSplit52Weeks,
            LastUpdated = content.LastUpdated,
            BandSheets = content.BandSheets,
            SheetNames = content.SheetNames.Where(n => n != "Table 4h").ToArray(),
            UnknownHeaders = content.UnknownHeaders,
            Records = content.Records,
        };

        var found = new WorkbookChecker().Check(content)
            .GroupBy(f => f.Check switch
            {
                WorkbookCheck.MissingSheet => f.Sheet!.StartsWith("Table 4", StringComparison.Ordinal) ? "MissingSheet (a band sheet)" : "MissingSheet (another sheet)",
                _ => f.Check.ToString(),
            })
            .ToDictionary(g => g.Key, g => Assert.Single(g.Select(f => f.Severity).Distinct()));

        Assert.Equal(WorkbookChecks.OrderBy(c => c.Key), found.OrderBy(c => c.Key));
        Assert.Equal(Enum.GetNames<WorkbookCheck>().Order(), WorkbookChecks.Keys.Select(k => k.Split(' ')[0]).Distinct().Order());
    }

    [Fact]
    public void Every_coverage_check_declares_the_severity_of_the_table_and_its_SQL_says_the_same()
    {
        Assert.Equal(CoverageChecksTable.Keys, CoverageChecks.All.Select(c => c.Name));
        foreach (CoverageCheck check in CoverageChecks.All)
        {
            Assert.Equal((check.Name, CoverageChecksTable[check.Name]), (check.Name, check.Severity));
            if (check.Name != "BandSum")
            {
                Assert.Contains($"'{check.Name}' AS check_name, '{check.Severity}' AS severity", check.Body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_mart_test_declares_the_severity_of_the_table_and_its_SQL_says_the_same()
    {
        Assert.Equal(MartChecksTable.Keys, NhsCommunity.Mart.MartChecks.All.Select(c => c.Name));
        foreach (CoverageCheck check in NhsCommunity.Mart.MartChecks.All)
        {
            Assert.Equal((check.Name, MartChecksTable[check.Name]), (check.Name, check.Severity));
            Assert.Contains($"'{check.Name}' AS check_name, '{check.Severity}' AS severity", check.Body, StringComparison.Ordinal);
        }

        Assert.Contains("SELECT 'MartRelationships', 'Warning'", NhsCommunity.Mart.MartChecks.Relationships.Body, StringComparison.Ordinal);
        Assert.Contains("SELECT 'MartAcceptedValues', 'Warning'", NhsCommunity.Mart.MartChecks.AcceptedValues.Body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Every_coverage_finding_on_the_bad_documents_has_the_severity_of_the_table()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        CoverageReport report = _fixture.Report!;

        Assert.Equal(
            CoverageChecksTable.Keys.Where(k => k != "SourceMismatch").Order(),
            report.Findings.Select(f => f.Check).Distinct().Order());
        foreach (CoverageFinding finding in report.Findings)
        {
            CoverageSeverity expected = finding.Check switch
            {
                "MissingKey" when finding.Detail.EndsWith(": blank in the workbook (listed in metadata.blank_bands).", StringComparison.Ordinal) => CoverageSeverity.Info,
                "BandSum" when WithinTolerance(finding.Detail) => CoverageSeverity.Info,
                _ => CoverageChecksTable[finding.Check],
            };
            Assert.Equal((finding.Check, finding.TrustCode, finding.Detail, expected), (finding.Check, finding.TrustCode, finding.Detail, finding.Severity));
        }

        Assert.Contains(report.Findings, f => f.Severity == CoverageSeverity.Info);
    }

    /// <summary>"total_waiting is 1000 but the bands add up to 1010 (+10).": within 1% of the total or 2 patients.</summary>
    private static bool WithinTolerance(string detail)
    {
        Match m = Regex.Match(detail, @"^total_waiting is (?<total>\d+) but the bands add up to (?<bands>-?\d+)");
        long total = long.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture);
        long bands = long.Parse(m.Groups["bands"].Value, CultureInfo.InvariantCulture);
        return Math.Abs(bands - total) <= Math.Max(2, total / 100.0);
    }
}
