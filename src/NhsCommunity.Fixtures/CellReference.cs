namespace NhsCommunity.Fixtures;

/// <summary>A1-style cell references.</summary>
public static class CellReference
{
    private static readonly string[] Columns = Enumerable.Range(1, 16384).Select(Letters).ToArray();

    /// <summary>"A", "B", ..., "Z", "AA", ... for a 1-based column number.</summary>
    public static string Column(int column) => Columns[column - 1];

    /// <summary>"C14" for row 14, column 3 (both 1-based).</summary>
    public static string Of(int row, int column) => Columns[column - 1] + row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Letters(int column)
    {
        string letters = "";
        for (int n = column; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + (n - 1) % 26) + letters;
        }

        return letters;
    }
}
