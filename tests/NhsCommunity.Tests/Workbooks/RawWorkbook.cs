using System.Collections.Concurrent;
using System.Text;
using ExcelDataReader;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The oracle: a workbook's cells as ExcelDataReader reads them, straight from the library with none of the
/// importer's code, laid out by the plain conventions of the publication (title in A1, organisation type, code
/// and name in columns A to C). Loaded once per file per test run; ExcelDataReader takes seconds per workbook.
/// </summary>
internal sealed class RawWorkbook
{
    private static readonly ConcurrentDictionary<string, Lazy<RawWorkbook>> Cache = new(StringComparer.Ordinal);

    static RawWorkbook() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private RawWorkbook(string path, IReadOnlyList<RawSheet> sheets)
    {
        Path = path;
        Sheets = sheets;
        BandSheets = Sheets.Where(s => s.Title is not null && BandCatalogue.TryMatchTitle(s.Title, out _))
            .ToDictionary(s => { BandCatalogue.TryMatchTitle(s.Title!, out WaitBand band); return band; });
    }

    public string Path { get; }

    public IReadOnlyList<RawSheet> Sheets { get; }

    /// <summary>The sheets whose A1 title names a wait band, by band.</summary>
    public IReadOnlyDictionary<WaitBand, RawSheet> BandSheets { get; }

    public RawSheet Sheet(string name) => Sheets.Single(s => s.Name == name);

    public static RawWorkbook Load(string path) => Cache.GetOrAdd(path, p => new Lazy<RawWorkbook>(() => Read(p))).Value;

    private static RawWorkbook Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using IExcelDataReader reader = ExcelReaderFactory.CreateReader(stream);
        var sheets = new List<RawSheet>();
        do
        {
            var cells = new Dictionary<(int Row, int Column), object>();
            int row = 0;
            while (reader.Read())
            {
                row++;
                for (int column = 0; column < reader.FieldCount; column++)
                {
                    if (reader.GetValue(column) is { } value)
                    {
                        cells[(row, column + 1)] = value;
                    }
                }
            }

            sheets.Add(new RawSheet(reader.Name, cells));
        }
        while (reader.NextResult());

        return new RawWorkbook(path, sheets);
    }
}

/// <summary>One sheet's non-empty cells, 1-based (row, column).</summary>
internal sealed class RawSheet
{
    private readonly Lazy<int> _headerRow;
    private readonly Lazy<IReadOnlyDictionary<int, string>> _serviceColumns;
    private readonly Lazy<IReadOnlyList<(int Row, string Type, string Code, string Name)>> _organisations;

    public RawSheet(string name, IReadOnlyDictionary<(int Row, int Column), object> cells)
    {
        Name = name;
        Cells = cells;
        _headerRow = new(() => Cells.Single(c => c.Key.Column == 1 && c.Value is string s && s.Trim() == "Organisation Type").Key.Row);
        _serviceColumns = new(() => Cells.Where(c => c.Key.Row == HeaderRow && c.Key.Column > 3).ToDictionary(c => c.Key.Column, c => ((string)c.Value).Trim()));
        _organisations = new(() => Cells
            .Where(c => c.Key.Row > HeaderRow && c.Key.Column == 1 && c.Value is string s && s.Trim().Length > 0)
            .Select(c => (c.Key.Row, ((string)c.Value).Trim(), Text(c.Key.Row, 2), Text(c.Key.Row, 3)))
            .OrderBy(o => o.Row)
            .ToList());
    }

    public string Name { get; }

    public IReadOnlyDictionary<(int Row, int Column), object> Cells { get; }

    public string? Title => Cells.TryGetValue((1, 1), out object? title) ? title as string : null;

    public int HeaderRow => _headerRow.Value;

    /// <summary>Service columns: header text by column, from column D on.</summary>
    public IReadOnlyDictionary<int, string> ServiceColumns => _serviceColumns.Value;

    /// <summary>Data rows below the header: row number, type, code, name.</summary>
    public IReadOnlyList<(int Row, string Type, string Code, string Name)> Organisations => _organisations.Value;

    public object? Value(int row, int column) => Cells.TryGetValue((row, column), out object? value) ? value : null;

    /// <summary>A count cell: null where blank, else the number (which must be a whole number).</summary>
    public int? Count(int row, int column) => Value(row, column) switch
    {
        null => null,
        double d when d == Math.Floor(d) => (int)d,
        var other => throw new InvalidOperationException($"{Name} ({row},{column}) is not a count: {other}"),
    };

    private string Text(int row, int column) => Value(row, column) is string s ? s.Trim() : Value(row, column)?.ToString() ?? "";
}
