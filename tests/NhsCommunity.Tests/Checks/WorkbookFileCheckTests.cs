using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Checks;

/// <summary>The checks over workbooks read from files: generated variants, and NHS England's own workbooks.</summary>
[Trait("Category", "RealData")]
public class WorkbookFileCheckTests
{
    [Fact]
    public void Generated_files_give_the_findings_their_faults_were_made_to_give()
    {
        using var temp = new TempDirectory();
        var clean = new WorkbookSpec(new DateTime(2025, 1, 1)) { PaddedColumns = 0 };
        var faulty = new WorkbookSpec(new DateTime(2024, 8, 1))
        {
            PaddedColumns = 0,
            BandSumMismatches = 3,
            UnknownServiceHeader = "(A) Pain management",
            OmitSheets = ["Table 1"],
            FileNameMonth = new DateTime(2024, 7, 1),
        };
        string cleanPath = temp.File(clean.FileName);
        string faultyPath = temp.File(faulty.FileName);
        CommunityWorkbookWriter.Write(cleanPath, clean);
        SyntheticWorkbook faultyModel = CommunityWorkbookWriter.Write(faultyPath, faulty);
        var importer = new WorkbookImporter();

        // Unknown headers of a clean file have a test of their own, below.
        Assert.DoesNotContain(new WorkbookChecker().Check(importer.Read(cleanPath)), f => f.Check != WorkbookCheck.UnknownHeader);

        WorkbookFinding[] findings = new WorkbookChecker().Check(importer.Read(faultyPath)).ToArray();
        Assert.DoesNotContain(findings, f => f.Check == WorkbookCheck.Reconciliation);
        Assert.Equal(
            faultyModel.BandSumMismatches.Select(m => (m.OrganisationCode, PublishedLayout.Header(m.Service), m.Total, m.BandSum)).Order(),
            findings.Where(f => f.Check == WorkbookCheck.BandSum).Select(f => (f.OrganisationCode!, f.Service!, int.Parse(f.Expected!, CultureInfo.InvariantCulture), int.Parse(f.Actual!, CultureInfo.InvariantCulture))).Order());
        WorkbookFinding unknown = Assert.Single(findings, f => f.Check == WorkbookCheck.UnknownHeader);
        Assert.Equal(("(A) Pain management", "pain_management", "Table 4"), (unknown.Service, unknown.ServiceKey, unknown.Sheet));
        Assert.Contains("cell " + CellReference.Of(5, 3 + ServiceCatalogue.All.Count + 1), unknown.Detail, StringComparison.Ordinal);
        Assert.Equal("Table 1", Assert.Single(findings, f => f.Check == WorkbookCheck.MissingSheet).Sheet);
        WorkbookFinding name = Assert.Single(findings, f => f.Check == WorkbookCheck.FileName);
        Assert.Equal(("August 2024", "July 2024"), (name.Expected, name.Actual));
        Assert.All(findings, f => Assert.Equal(faultyPath, f.File));
    }

    [Fact]
    public void A_clean_file_has_no_unknown_headers_every_published_header_is_in_the_catalogue()
    {
        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { PaddedColumns = 0 };
        string path = temp.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);

        WorkbookFinding[] unknown = new WorkbookChecker([WorkbookCheck.UnknownHeader]).Check(new WorkbookImporter().Read(path)).ToArray();
        Assert.True(unknown.Length == 0, "Headers the catalogue does not recognise: " + string.Join("; ", unknown.Select(f => f.Service)));
    }

    [SkippableFact]
    public void Real_workbooks_reconcile_exactly_and_their_few_band_sum_findings_match_an_independent_count()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        foreach (string path in Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Order(StringComparer.Ordinal))
        {
            WorkbookFinding[] findings = new WorkbookChecker().Check(new WorkbookImporter().Read(path)).ToArray();
            Assert.DoesNotContain(findings, f => f.Check == WorkbookCheck.Reconciliation);
            Assert.DoesNotContain(findings, f => f.Check is WorkbookCheck.FileName or WorkbookCheck.MissingSheet or WorkbookCheck.UnexpectedSheet);

            var bandSums = findings.Where(f => f.Check == WorkbookCheck.BandSum)
                .Select(f => (f.OrganisationCode!, f.Service!, long.Parse(f.Expected!, CultureInfo.InvariantCulture), long.Parse(f.Actual!, CultureInfo.InvariantCulture))).Order().ToArray();
            var independent = BandSumMismatchesFromCells(path);
            Assert.Equal(independent, bandSums);
            Assert.InRange(bandSums.Length, 1, 60);
        }
    }

    /// <summary>
    /// Provider services whose Table 4 total differs from the sum of the band sheets, from the cells as
    /// ExcelDataReader reads them (blank as zero), with no use of the importer.
    /// </summary>
    private static (string Code, string Service, long Total, long Sum)[] BandSumMismatchesFromCells(string path)
    {
        var totals = new Dictionary<(string, string), long>();
        var sums = new Dictionary<(string, string), long>();
        foreach ((string _, IReadOnlyList<object?[]> rows) in ExcelCells.Read(path))
        {
            if (rows.Count == 0 || rows[0].At(0) is not string title || !BandCatalogue.TryMatchTitle(title, out WaitBand band))
            {
                continue;
            }

            int header = ExcelCells.HeaderRow(rows);
            foreach (object?[] row in rows.Skip(header + 1))
            {
                if (row.At(0) is not string type || type.Trim() != "Provider")
                {
                    continue;
                }

                string code = ((string)row.At(1)!).Trim();
                for (int c = 3; c < rows[header].Length; c++)
                {
                    if (rows[header][c] is not string service || row.At(c) is not double value)
                    {
                        continue;
                    }

                    var key = (code, service.Trim());
                    var target = band == WaitBand.Total ? totals : sums;
                    target[key] = target.GetValueOrDefault(key) + (long)value;
                }
            }
        }

        return totals.Keys.Union(sums.Keys)
            .Select(k => (k.Item1, k.Item2, Total: totals.GetValueOrDefault(k), Sum: sums.GetValueOrDefault(k)))
            .Where(x => x.Total != x.Sum)
            .Order()
            .ToArray();
    }
}
