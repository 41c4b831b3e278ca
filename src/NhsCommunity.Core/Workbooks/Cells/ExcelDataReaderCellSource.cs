using System.Globalization;
using System.Text;
using ExcelDataReader;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Cells read through ExcelDataReader: the reader for legacy .xls, and an independent second reader of .xlsx
/// that the streaming reader is checked against. ExcelDataReader reads forward only, so every sheet is read
/// once, up front.
/// </summary>
internal sealed class ExcelDataReaderCellSource : ICellSource
{
    private readonly SheetGrid[] _sheets;

    static ExcelDataReaderCellSource()
    {
        // .xls stores text in Windows code pages, which .NET only knows once the provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public ExcelDataReaderCellSource(string path, CancellationToken cancellationToken)
        : this(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read), cancellationToken)
    {
    }

    /// <summary>Reads every sheet from <paramref name="file"/> (a snapshot of the workbook) and disposes it.</summary>
    public ExcelDataReaderCellSource(Stream file, CancellationToken cancellationToken)
    {
        using Stream owned = file;
        using IExcelDataReader reader = ExcelReaderFactory.CreateReader(owned);
        var sheets = new List<SheetGrid>();
        do
        {
            var rows = new List<SheetRow>();
            var cells = new List<SheetCell>();
            int rowNumber = 0;
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                rowNumber++;
                for (int i = 0; i < reader.FieldCount; i++)
                {
                    if (ToCell(i + 1, reader.GetValue(i)) is SheetCell cell)
                    {
                        cells.Add(cell);
                    }
                }

                if (cells.Count > 0)
                {
                    rows.Add(new SheetRow(rowNumber, [.. cells]));
                    cells.Clear();
                }
            }

            sheets.Add(new SheetGrid(reader.Name, rows));
        }
        while (reader.NextResult());

        _sheets = [.. sheets];
        SheetNames = _sheets.Select(s => s.Name).ToArray();
    }

    public IReadOnlyList<string> SheetNames { get; }

    public string? ReadTitle(int sheetIndex, CancellationToken cancellationToken) => _sheets[sheetIndex].Title;

    public IReadOnlyList<SheetGrid> ReadSheets(IReadOnlyList<int> sheetIndexes, CancellationToken cancellationToken) =>
        sheetIndexes.Select(i => _sheets[i]).ToArray();

    public void Dispose()
    {
    }

    private static SheetCell? ToCell(int column, object? value) => value switch
    {
        null => null,
        double number => SheetCell.FromNumber(column, number),
        int number => SheetCell.FromNumber(column, number),
        long number => SheetCell.FromNumber(column, number),
        DateTime date => SheetCell.FromDate(column, date),
        bool flag => SheetCell.FromText(column, flag ? "TRUE" : "FALSE"),
        string text => SheetCell.FromText(column, text),
        _ => SheetCell.FromText(column, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };
}
