using System.Text.RegularExpressions;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Fixtures;

/// <summary>The generator's layout is the real one: compared, sheet by sheet, with NHS England's own workbooks.</summary>
[Trait("Category", "RealData")]
public class RealLayoutTests
{
    public static TheoryData<string> RealMonths => new() { "2024-25-August", "2024-25-December", "2024-25-January", "2025-26-July" };

    [SkippableTheory]
    [MemberData(nameof(RealMonths))]
    public void Generated_workbook_has_the_real_sheets_titles_headers_and_row_order(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        string realPath = RepositoryPaths.RealWorkbook(month);
        Assert.True(WorkbookFileName.TryParse(realPath, out DateTime period));

        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(period) { PaddedColumns = 0 };
        string generatedPath = temp.File(spec.FileName);
        CommunityWorkbookWriter.Write(generatedPath, spec);
        Assert.Equal(Path.GetFileName(realPath), Path.GetFileName(generatedPath));

        var real = ExcelCells.Read(realPath);
        var generated = ExcelCells.Read(generatedPath);
        Assert.Equal(real.Select(s => s.Name), generated.Select(s => s.Name));

        // Cover page: the same labels down column A, and the dates in the same form.
        Assert.Equal(Labels(real[0].Rows), Labels(generated[0].Rows));
        foreach (var sheets in new[] { real, generated })
        {
            object? published = sheets[0].Rows.Single(r => Equals(r.At(0), "Published:")).At(1);
            Assert.Matches(@"^\d\d/\d\d/\d{4}$", Assert.IsType<string>(published));
        }

        foreach (((string name, IReadOnlyList<object?[]> realRows), (_, IReadOnlyList<object?[]> generatedRows)) in real.Zip(generated).Where(p => p.First.Name.StartsWith("Table 4", StringComparison.Ordinal)))
        {
            string realTitle = Assert.IsType<string>(realRows[0].At(0));
            string generatedTitle = Assert.IsType<string>(generatedRows[0].At(0));
            Assert.True(BandCatalogue.TryMatchTitle(realTitle, out WaitBand realBand), realTitle);
            Assert.True(BandCatalogue.TryMatchTitle(generatedTitle, out WaitBand generatedBand), generatedTitle);
            Assert.Equal(realBand, generatedBand);
            Assert.Equal(realTitle, generatedTitle);

            int realHeader = ExcelCells.HeaderRow(realRows);
            int generatedHeader = ExcelCells.HeaderRow(generatedRows);
            Assert.True(realHeader > 0, $"{name}: no header row in the real workbook");
            Assert.Equal(realHeader, generatedHeader);
            Assert.Equal(Texts(realRows[realHeader]), Texts(generatedRows[generatedHeader]));

            var realRuns = Runs(realRows, realHeader);
            var generatedRuns = Runs(generatedRows, generatedHeader);
            Assert.Equal(realRuns.Select(r => r.Type), generatedRuns.Select(r => r.Type));
            Assert.Equal(realRuns.Take(3), generatedRuns.Take(3));
            Assert.InRange(generatedRuns[3].Count, realRuns[3].Count - 15, realRuns[3].Count + 15);
        }
    }

    private static string?[] Labels(IReadOnlyList<object?[]> rows) => rows.Take(10).Select(r => r.At(0) as string).ToArray();

    private static string[] Texts(object?[] row) => row.OfType<string>().Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();

    /// <summary>The data rows' Organisation Type column, run-length encoded: National 1, Region 7, ICB 42, Provider n.</summary>
    private static List<(string Type, int Count)> Runs(IReadOnlyList<object?[]> rows, int header)
    {
        var runs = new List<(string Type, int Count)>();
        foreach (object?[] row in rows.Skip(header + 1))
        {
            if (row.At(0) is not string type || type.Trim().Length == 0)
            {
                continue;
            }

            if (runs.Count > 0 && runs[^1].Type == type)
            {
                runs[^1] = (type, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((type, 1));
            }
        }

        return runs;
    }
}
