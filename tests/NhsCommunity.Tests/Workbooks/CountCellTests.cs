using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using CellReference = NhsCommunity.Workbooks.Cells.CellReference;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// No count is guessed: a count cell holding a date (by type or by number format), an error value or a formula
/// with no saved result, or a value under no service header, is an error naming the file, sheet and cell.
/// The cells are found through ExcelDataReader (the oracle), not the importer.
/// </summary>
[Trait("Category", "RealData")]
public sealed class CountCellTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<int, string?> DateFormats => new()
    {
        { 14, null },               // built-in m/d/yyyy
        { 22, null },               // built-in m/d/yyyy h:mm
        { 47, null },               // built-in mm:ss.0
        { 164, "dd/mm/yyyy" },
        { 165, "[$-809]d mmmm yyyy" },
        { 166, "h:mm AM/PM" },
        { 167, "#,##0;[Red]yyyy" },
    };

    public static TheoryData<int, string?> CountFormats => new()
    {
        { 3, null },                // built-in #,##0, as the real workbooks
        { 1, null },
        { 166, "#,##0" },           // as the July 2025 workbook
        { 167, "#,##0\" days\"" },  // letters of a date, but quoted
        { 168, "[Blue]#,##0" },     // a colour in brackets
        { 169, "0_);\\(0\\)" },
    };

    [Theory]
    [MemberData(nameof(DateFormats))]
    public void A_count_shown_as_a_date_is_refused(int numFmtId, string? formatCode)
    {
        (string good, string sheet, string cell, double value) = CountCell();
        string path = WorkbookDamage.FormatCell(good, _directory.File("date.xlsx"), sheet, cell, numFmtId, formatCode);
        WorkbookFormatException problem = AssertCellProblem(path, WorkbookErrorIds.CountIsDate, sheet, cell);
        Assert.Contains($"stored as {value}", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CountFormats))]
    public void A_count_with_a_number_format_is_read(int numFmtId, string? formatCode)
    {
        (string good, string sheet, string cell, _) = CountCell();
        string path = WorkbookDamage.FormatCell(good, _directory.File("number.xlsx"), sheet, cell, numFmtId, formatCode);
        Assert.Equal(Read(good), Read(path));
    }

    [Fact]
    public void A_cell_typed_as_a_date_is_refused()
    {
        (string good, string sheet, string cell, _) = CountCell();
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("typed-date.xlsx"), sheet, cell, $"<c r=\"{cell}\" t=\"d\"><v>2024-08-01T00:00:00</v></c>");
        WorkbookFormatException problem = AssertCellProblem(path, WorkbookErrorIds.CountIsDate, sheet, cell);
        Assert.Contains("2024-08-01", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<c r=\"{0}\" t=\"inlineStr\"><v>{1}</v></c>", "typed as an inline string (t=\"inlineStr\") but has no <is> text")]
    [InlineData("<c r=\"{0}\" t=\"inlineStr\"></c>", "typed as an inline string (t=\"inlineStr\") but has no <is> text")]
    [InlineData("<c r=\"{0}\" t=\"inlineStr\"><is><t>{1}</t></is><v>{1}</v></c>", "typed as an inline string but also holds a <v> value")]
    [InlineData("<c r=\"{0}\" t=\"s\"></c>", "typed t=\"s\" but has no <v> value")]
    [InlineData("<c r=\"{0}\" t=\"e\"></c>", "typed t=\"e\" but has no <v> value")]
    [InlineData("<c r=\"{0}\"><is><t>{1}</t></is></c>", "holds inline text (<is>) but is typed t=\"\"")]
    [InlineData("<c r=\"{0}\" t=\"n\"><is><t>{1}</t></is></c>", "holds inline text (<is>) but is typed t=\"n\"")]
    [InlineData("<c r=\"{0}\" t=\"x\"><v>{1}</v></c>", "its type t=\"x\" is not a SpreadsheetML cell type")]
    [InlineData("<c r=\"{0}\" t=\"b\"><v>{1}</v></c>", "typed as a boolean (t=\"b\") but holds")]
    public void A_count_whose_content_does_not_fit_its_type_is_refused_not_read_blank(string cellXml, string damage)
    {
        (string good, string sheet, string cell, double value) = CountCell();
        string xml = string.Format(System.Globalization.CultureInfo.InvariantCulture, cellXml, cell, value);
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("misshapen.xlsx"), sheet, cell, xml);
        WorkbookFormatException problem = AssertCellProblem(path, WorkbookErrorIds.Corrupt, sheet, cell);
        Assert.Contains($"cell {cell} is damaged: ", problem.Message, StringComparison.Ordinal);
        Assert.Contains(damage, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_as_a_well_formed_inline_string_is_still_read()
    {
        (string good, string sheet, string cell, double value) = CountCell();
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("inline.xlsx"), sheet, cell, $"<c r=\"{cell}\" t=\"inlineStr\"><is><t>{value}</t></is></c>");
        Assert.Equal(Read(good), Read(path));
    }

    [Fact]
    public void A_formula_with_no_saved_value_is_refused()
    {
        (string good, string sheet, string cell, _) = CountCell();
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("formula.xlsx"), sheet, cell, $"<c r=\"{cell}\" s=\"2\"><f>SUM(D7:D9)</f></c>");
        AssertCellProblem(path, WorkbookErrorIds.CountFormulaWithoutValue, sheet, cell);
    }

    [Fact]
    public void A_formula_with_its_saved_value_is_read_as_that_value()
    {
        (string good, string sheet, string cell, double value) = CountCell();
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("formula-value.xlsx"), sheet, cell, $"<c r=\"{cell}\" s=\"2\"><f>SUM(D7:D9)</f><v>{value}</v></c>");
        Assert.Equal(Read(good), Read(path));
    }

    [Theory]
    [InlineData("#N/A")]
    [InlineData("#DIV/0!")]
    public void An_error_value_is_refused(string error)
    {
        (string good, string sheet, string cell, _) = CountCell();
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("error.xlsx"), sheet, cell, $"<c r=\"{cell}\" t=\"e\"><v>{error}</v></c>");
        WorkbookFormatException problem = AssertCellProblem(path, WorkbookErrorIds.CountIsError, sheet, cell);
        Assert.Contains(error, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_under_a_blank_header_are_refused()
    {
        (string good, string sheet, string cell, _) = CountCell();
        RawSheet raw = RawWorkbook.Load(good).Sheet(sheet);
        int column = Column(cell);
        string header = CellReference.ToA1(raw.HeaderRow, column);
        string path = WorkbookDamage.ReplaceCell(good, _directory.File("blank-header.xlsx"), sheet, header, $"<c r=\"{header}\" s=\"1\"/>");
        WorkbookFormatException problem = AssertCellProblem(path, WorkbookErrorIds.CountWithoutHeader, sheet, FirstValueBelow(raw, column));
        Assert.Contains($"cell {header} is blank", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_under_a_header_merged_with_its_neighbour_are_refused()
    {
        (string good, string sheet, string cell, _) = CountCell();
        RawSheet raw = RawWorkbook.Load(good).Sheet(sheet);
        int column = Column(cell);
        string left = CellReference.ToA1(raw.HeaderRow, column - 1);
        string right = CellReference.ToA1(raw.HeaderRow, column);

        // As Excel saves a merge: the text stays in the first cell, the second is emptied, the range is listed.
        string blanked = WorkbookDamage.ReplaceCell(good, _directory.File("merge-1.xlsx"), sheet, right, $"<c r=\"{right}\" s=\"1\"/>");
        string path = WorkbookDamage.EditSheet(blanked, _directory.File("merged-header.xlsx"), sheet,
            xml => xml.Replace("</sheetData>", $"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"{left}:{right}\"/></mergeCells>", StringComparison.Ordinal));
        AssertCellProblem(path, WorkbookErrorIds.CountWithoutHeader, sheet, FirstValueBelow(raw, column));
    }

    [Fact]
    public void A_value_past_the_last_header_is_refused()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { PaddedColumns = 0 };
        string good = _directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(good, spec);
        RawSheet raw = RawWorkbook.Load(good).Sheet("Table 4f");
        int beyond = raw.ServiceColumns.Keys.Max() + 2;
        int row = raw.Organisations.First(o => o.Type == "Provider").Row;
        string reference = CellReference.ToA1(row, beyond);
        string path = WorkbookDamage.EditSheet(good, _directory.File("beyond.xlsx"), "Table 4f", xml =>
        {
            int rowStart = xml.IndexOf($"<row r=\"{row}\"", StringComparison.Ordinal);
            int rowEnd = xml.IndexOf("</row>", rowStart, StringComparison.Ordinal);
            return xml.Insert(rowEnd, $"<c r=\"{reference}\"><v>12</v></c>");
        });
        AssertCellProblem(path, WorkbookErrorIds.CountWithoutHeader, "Table 4f", reference);
    }

    [SkippableTheory]
    [MemberData(nameof(RealWorkbookTests.Months), MemberType = typeof(RealWorkbookTests))]
    public void A_real_workbook_with_one_count_shown_as_a_date_is_refused(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        string real = RepositoryPaths.RealWorkbook(month);
        RawSheet raw = RawWorkbook.Load(real).Sheet("Table 4d");
        (int row, int column) = FirstCount(raw);
        string cell = CellReference.ToA1(row, column);
        string path = WorkbookDamage.FormatCell(real, _directory.File($"{month}-date.xlsx"), "Table 4d", cell, 14);
        AssertCellProblem(path, WorkbookErrorIds.CountIsDate, "Table 4d", cell);
    }

    [Theory]
    [InlineData("(A) Œdème clinic", "oedeme_clinic")]
    [InlineData("(CYP) Ödem-Sprechstunde für Kinder", "odem_sprechstunde_fur_kinder")]
    [InlineData("(A) Физиотерапия", "service_143365a6")]
    [InlineData("(A) 理学疗法", "service_f77ae334")]
    public void An_unknown_header_with_no_ASCII_letters_keeps_a_stable_readable_key(string header, string key)
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { UnknownServiceHeader = header };
        string path = _directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);

        WorkbookContent content = new WorkbookImporter().Read(path);

        UnknownServiceHeader unknown = Assert.Single(content.UnknownServiceHeaders);
        Assert.Equal((header, key, "Table 4"), (unknown.Header, unknown.Key, unknown.Sheet));
        Assert.Contains(content.Records, r => r.ServiceKey == key && r.Service == header);
        Assert.Equal(key, ServiceCatalogue.Derive(header).Key);
    }

    /// <summary>A generated workbook and one of its provider count cells that holds a number.</summary>
    private (string Path, string Sheet, string Cell, double Value) CountCell()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1));
        string path = _directory.File(spec.FileName);
        if (!File.Exists(path))
        {
            CommunityWorkbookWriter.Write(path, spec);
        }

        RawSheet raw = RawWorkbook.Load(path).Sheet("Table 4b");
        (int row, int column) = FirstCount(raw);
        return (path, "Table 4b", CellReference.ToA1(row, column), (double)raw.Value(row, column)!);
    }

    private static (int Row, int Column) FirstCount(RawSheet raw)
    {
        foreach ((int row, string type, _, _) in raw.Organisations.Where(o => o.Type == "Provider"))
        {
            foreach (int column in raw.ServiceColumns.Keys.Order().Skip(1))
            {
                if (raw.Value(row, column) is double value && value > 100)
                {
                    return (row, column);
                }
            }
        }

        throw new InvalidOperationException($"{raw.Name} has no provider count over 100");
    }

    private static string FirstValueBelow(RawSheet raw, int column) =>
        CellReference.ToA1(raw.Organisations.First(o => raw.Value(o.Row, column) is not null).Row, column);

    private static int Column(string reference) =>
        reference.TakeWhile(char.IsLetter).Aggregate(0, (n, c) => (n * 26) + c - 'A' + 1);

    /// <summary>The records as lines, without the source file (the damaged copy has another path).</summary>
    private static string[] Read(string path) =>
        RecordFormatting.Describe(new WorkbookImporter().Read(path).Records).Select(line => line[..line.LastIndexOf('|')]).ToArray();

    private static WorkbookFormatException AssertCellProblem(string path, string errorId, string sheet, string cell)
    {
        WorkbookFormatException problem = DamagedWorkbookTests.AssertProblem(path, errorId, $"cell {cell}");
        Assert.Equal((sheet, cell), (problem.Sheet, problem.Cell));
        Assert.Contains($"sheet '{sheet}'", problem.Message, StringComparison.Ordinal);
        return problem;
    }
}
