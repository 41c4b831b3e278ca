using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The reader refuses what it cannot read exactly: parts cut short or malformed, parts that inflate beyond the
/// caps, and a file replaced while it is read. Each error names the file and the sheet (or part).
/// </summary>
[Trait("Category", "RealData")]
public sealed class DamagedWorkbookTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_sheet_cut_off_at_row_100_is_refused_naming_the_sheet()
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = WorkbookDamage.TruncateSheetAfterRow(good, _directory.File("cut.xlsx"), "Table 4a", 100);
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.Corrupt, "sheet 'Table 4a'");
        Assert.Equal("Table 4a", problem.Sheet);
        Assert.Contains("stops after row 100, before </sheetData>", problem.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(RealWorkbookTests.Months), MemberType = typeof(RealWorkbookTests))]
    public void A_real_workbook_with_its_Table_4a_cut_off_is_refused(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        string path = WorkbookDamage.TruncateSheetAfterRow(RepositoryPaths.RealWorkbook(month), _directory.File($"{month}-cut.xlsx"), "Table 4a", 100);
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.Corrupt, "sheet 'Table 4a'");
        Assert.Equal("Table 4a", problem.Sheet);
    }

    [Fact]
    public void A_sheet_whose_XML_stops_after_its_data_is_still_refused()
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = WorkbookDamage.EditSheet(good, _directory.File("no-root-end.xlsx"), "Table 4e", xml => xml[..(xml.IndexOf("</sheetData>", StringComparison.Ordinal) + "</sheetData>".Length)]);
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.Corrupt, "stops before </worksheet>");
        Assert.Equal("Table 4e", problem.Sheet);
    }

    [Theory]
    [InlineData("<row r=\"20\"", "</c>", "cell ")]
    [InlineData("<row r=\"30\"", "</row>", "row 30 is not closed")]
    public void Malformed_sheet_XML_is_refused_naming_the_sheet(string after, string endTag, string messagePart)
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = WorkbookDamage.EditSheet(good, _directory.File("malformed.xlsx"), "Table 4c", xml =>
        {
            int end = xml.IndexOf(endTag, xml.IndexOf(after, StringComparison.Ordinal), StringComparison.Ordinal);
            return xml.Remove(end, endTag.Length);
        });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.Corrupt, messagePart);
        Assert.Equal("Table 4c", problem.Sheet);
        Assert.Contains("not closed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_shared_strings_are_refused_naming_the_part()
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = WorkbookDamage.TruncatePart(good, _directory.File("strings.xlsx"), "xl/sharedStrings.xml", 0.6);
        AssertProblem(path, WorkbookErrorIds.Corrupt, "the shared strings part 'xl/sharedStrings.xml'");
    }

    [Fact]
    public void A_sheet_that_inflates_a_thousand_to_one_is_refused_naming_file_and_sheet()
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = WorkbookDamage.InflateSheet(good, _directory.File("bomb.xlsx"), "Table 4b", 200L << 20);
        Assert.True(new FileInfo(path).Length < 4 << 20, "the bomb should be a few MB");
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.TooLarge, "zip bomb");
        Assert.Equal("Table 4b", problem.Sheet);
        Assert.Contains("sheet 'Table 4b'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_larger_than_the_cap_is_refused_by_its_declared_size()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        var limits = new WorkbookLimits { MaxPartBytes = 256 << 10 };
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.TooLarge, "declares", limits);
        Assert.StartsWith("Table", problem.Sheet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_whose_header_understates_its_size_is_stopped_while_inflating()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        foreach (string sheet in RawWorkbook.Load(path).BandSheets.Values.Select(s => s.Name).ToArray())
        {
            WorkbookDamage.DeclareInflatedSize(path, WorkbookDamage.SheetPart(path, sheet), 1000);
        }

        var limits = new WorkbookLimits { MaxPartBytes = 256 << 10 };
        WorkbookFormatException problem = Assert.Throws<WorkbookFormatException>(() => new WorkbookImporter { Limits = limits }.Read(path));
        Assert.Equal(Path.GetFullPath(path), problem.File);
        Assert.StartsWith("Table 4", problem.Sheet, StringComparison.Ordinal);
        Assert.Contains($"sheet '{problem.Sheet}'", problem.Message, StringComparison.Ordinal);

        // Runtimes that stop inflating at the declared size hand over a cut-off sheet (damaged); those that do
        // not are stopped by the count (too large). Either way the sheet is refused, never read short.
        Assert.True(
            (problem.ErrorId == WorkbookErrorIds.TooLarge && problem.Message.Contains("inflates to more than", StringComparison.Ordinal))
            || (problem.ErrorId == WorkbookErrorIds.Corrupt && problem.Message.Contains("incomplete or damaged", StringComparison.Ordinal)),
            problem.Message);
    }

    [Fact]
    public void A_file_over_the_size_cap_is_refused_before_it_is_read()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        AssertProblem(path, WorkbookErrorIds.TooLarge, "over the 1 MB a workbook may be", new WorkbookLimits { MaxFileBytes = 1 << 20 });
    }

    [Theory]
    [InlineData(WorkbookEngine.Streaming)]
    [InlineData(WorkbookEngine.ExcelDataReader)]
    public void A_file_replaced_while_it_is_read_is_read_whole_as_it_was(WorkbookEngine engine)
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1));
        string path = _directory.File(spec.FileName);
        SyntheticWorkbook old = CommunityWorkbookWriter.Write(path, spec);
        string replacement = _directory.File("replacement.xlsx");
        SyntheticWorkbook other = CommunityWorkbookWriter.Write(replacement, spec with { Seed = 2 });
        string[] expected = RecordFormatting.Describe(old.ExpectedRecords(Path.GetFullPath(path)));
        Assert.NotEqual(expected, RecordFormatting.Describe(other.ExpectedRecords(Path.GetFullPath(path))));

        // An atomic move over the path after the first sheet, as a sync tool would.
        int titles = 0;
        var importer = new WorkbookImporter(engine)
        {
            AfterTitle = _ =>
            {
                if (titles++ == 0)
                {
                    File.Move(replacement, path, overwrite: true);
                }
            },
        };
        WorkbookContent content = importer.Read(path);

        Assert.True(titles > 1, "every sheet's title is read after the move");
        Assert.False(File.Exists(replacement), "the file was replaced during the read");
        Assert.Equal(expected, RecordFormatting.Describe(content.Records));
    }

    private string Generate(WorkbookSpec spec)
    {
        string path = _directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        return path;
    }

    internal static WorkbookFormatException AssertProblem(string path, string errorId, string messagePart, WorkbookLimits? limits = null)
    {
        var importer = new WorkbookImporter { Limits = limits ?? WorkbookLimits.Default };
        var problem = Assert.Throws<WorkbookFormatException>(() => importer.Read(path));
        Assert.Equal(errorId, problem.ErrorId);
        Assert.Equal(Path.GetFullPath(path), problem.File);
        Assert.Contains(Path.GetFullPath(path), problem.Message, StringComparison.Ordinal);
        Assert.Contains(messagePart, problem.Message, StringComparison.Ordinal);
        return problem;
    }
}
