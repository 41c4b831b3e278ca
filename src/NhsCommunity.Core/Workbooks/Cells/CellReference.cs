using System.Globalization;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>A1-style cell references, both ways.</summary>
internal static class CellReference
{
    /// <summary>"AB12" for row 12, column 28 (1-based).</summary>
    public static string ToA1(int row, int column) => ColumnName(column) + row.ToString(CultureInfo.InvariantCulture);

    public static string ColumnName(int column)
    {
        Span<char> letters = stackalloc char[8];
        int position = letters.Length;
        for (int n = column; n > 0; n = (n - 1) / 26)
        {
            letters[--position] = (char)('A' + ((n - 1) % 26));
        }

        return new string(letters[position..]);
    }

    /// <summary>The 1-based column of an A1 reference ("AB12" gives 28); 0 where there are no letters.</summary>
    public static int ParseColumn(ReadOnlySpan<char> reference)
    {
        int column = 0;
        foreach (char c in reference)
        {
            int letter = (c | 0x20) - 'a';
            if ((uint)letter > 25)
            {
                break;
            }

            column = (column * 26) + letter + 1;
        }

        return column;
    }
}
