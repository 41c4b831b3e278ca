using System.Text;
using ExcelDataReader;

namespace NhsCommunity.Tests.Fixtures;

/// <summary>
/// Every sheet's cells as ExcelDataReader reads them: an independent reader to check the generator (and the
/// checks) against. Numbers come back as double, text as string, blanks as null.
/// </summary>
public static class ExcelCells
{
    static ExcelCells() => EnsureCodePages();

    /// <summary>ExcelDataReader needs the legacy code pages, which .NET does not register by default.</summary>
    public static void EnsureCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IReadOnlyList<(string Name, IReadOnlyList<object?[]> Rows)> Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using IExcelDataReader reader = ExcelReaderFactory.CreateReader(stream);
        var sheets = new List<(string, IReadOnlyList<object?[]>)>();
        do
        {
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (int c = 0; c < row.Length; c++)
                {
                    row[c] = reader.GetValue(c);
                }

                rows.Add(row);
            }

            sheets.Add((reader.Name, rows));
        }
        while (reader.NextResult());
        return sheets;
    }

    /// <summary>A cell of a row, or null beyond its end.</summary>
    public static object? At(this object?[] row, int column) => column < row.Length ? row[column] : null;

    /// <summary>The index of the header row: the first whose first cell is "Organisation Type".</summary>
    public static int HeaderRow(IReadOnlyList<object?[]> rows)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].At(0) is string text && text.Trim() == "Organisation Type")
            {
                return r;
            }
        }

        return -1;
    }
}
