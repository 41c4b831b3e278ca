using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks.Cells;
using CellReference = NhsCommunity.Workbooks.Cells.CellReference;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The streaming sheet scanner, the XmlReader reading and ExcelDataReader must see the same cells: every
/// value of every Table 4 sheet, same row, same column, same number or text.
/// </summary>
[Trait("Category", "GeneratedWorkbooks")]
public class CellReaderAgreementTests
{
    [SkippableTheory]
    [MemberData(nameof(RealWorkbookTests.Months), MemberType = typeof(RealWorkbookTests))]
    public void Streaming_scanner_and_ExcelDataReader_agree_cell_for_cell_on_every_band_sheet(string month)
    {
        (RawWorkbook raw, _) = RealWorkbookTests.Load(month);
        using var source = new OpenXmlCellSource(raw.Path);
        int numeric = 0;
        foreach (RawSheet rawSheet in raw.BandSheets.Values)
        {
            int index = source.SheetNames.ToList().IndexOf(rawSheet.Name);
            SheetGrid grid = source.ReadSheets([index], CancellationToken.None)[0];
            Dictionary<(int, int), string> streamed = Flatten(grid);
            Dictionary<(int, int), string> expected = rawSheet.Cells.ToDictionary(c => c.Key, c => Describe(c.Value));
            Assert.Equal(expected.Count, streamed.Count);
            foreach (var (cell, value) in expected)
            {
                Assert.True(streamed.TryGetValue(cell, out string? actual), $"{rawSheet.Name} {CellReference.ToA1(cell.Item1, cell.Item2)}: ExcelDataReader has {value}, the scanner nothing");
                Assert.True(value == actual, $"{rawSheet.Name} {CellReference.ToA1(cell.Item1, cell.Item2)}: ExcelDataReader has {value}, the scanner {actual}");
                numeric += value.StartsWith("n:", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        Assert.True(numeric > 25_000, $"only {numeric} numeric cells compared");
    }

    [SkippableTheory]
    [MemberData(nameof(RealWorkbookTests.Months), MemberType = typeof(RealWorkbookTests))]
    public void Streaming_scanner_and_XmlReader_agree_on_every_sheet(string month)
    {
        (RawWorkbook raw, _) = RealWorkbookTests.Load(month);
        AssertScannerMatchesXmlReader(raw.Path);
    }

    [Theory]
    [InlineData(2024, 8, 200)]
    [InlineData(2025, 1, 200)]
    [InlineData(2025, 7, 0)]
    public void Streaming_scanner_XmlReader_and_ExcelDataReader_agree_on_generated_workbooks(int year, int month, int paddedColumns)
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(year, month, 1)) { PaddedColumns = paddedColumns };
        string path = Path.Combine(directory.Path, spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        AssertScannerMatchesXmlReader(path);

        RawWorkbook raw = RawWorkbook.Load(path);
        using var source = new OpenXmlCellSource(path);
        foreach (RawSheet rawSheet in raw.Sheets)
        {
            int index = source.SheetNames.ToList().IndexOf(rawSheet.Name);
            Assert.Equal(
                rawSheet.Cells.OrderBy(c => c.Key).Select(c => $"{c.Key}={Describe(c.Value)}"),
                Flatten(source.ReadSheets([index], CancellationToken.None)[0]).OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"));
        }
    }

    private static void AssertScannerMatchesXmlReader(string path)
    {
        using var source = new OpenXmlCellSource(path);
        int[] all = Enumerable.Range(0, source.SheetNames.Count).ToArray();
        IReadOnlyList<SheetGrid> scanned = source.ReadSheets(all, CancellationToken.None);
        foreach (int index in all)
        {
            SheetGrid viaXmlReader = source.ReadGridWithXmlReader(index, CancellationToken.None);
            Assert.Equal(Flatten(viaXmlReader).OrderBy(c => c.Key), Flatten(scanned[index]).OrderBy(c => c.Key));
            Assert.Equal(viaXmlReader.Title, source.ReadTitle(index, CancellationToken.None));
        }

        Assert.Contains(all, i => source.ReadTitle(i, CancellationToken.None) is string title && BandCatalogue.TryMatchTitle(title, out _));
    }

    private static Dictionary<(int, int), string> Flatten(SheetGrid grid) =>
        grid.Rows.SelectMany(r => r.Cells.Select(c => ((r.Number, c.Column), Describe(c)))).ToDictionary(p => p.Item1, p => p.Item2);

    private static string Describe(SheetCell cell) => cell.Kind switch
    {
        CellKind.Number => "n:" + cell.Number.ToString("R", CultureInfo.InvariantCulture),
        CellKind.Date => "d:" + DateTime.FromOADate(cell.Number).ToString("O", CultureInfo.InvariantCulture),
        _ => "s:" + cell.Text,
    };

    private static string Describe(object value) => value switch
    {
        double d => "n:" + d.ToString("R", CultureInfo.InvariantCulture),
        DateTime d => "d:" + d.ToString("O", CultureInfo.InvariantCulture),
        bool b => "s:" + (b ? "TRUE" : "FALSE"),
        _ => "s:" + Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
