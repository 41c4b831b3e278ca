namespace NhsCommunity.Fixtures;

/// <summary>
/// One sheet exactly as written: rows of cells, each a string, an int or null (blank). Row and column
/// numbers are 1-based, as Excel counts them.
/// </summary>
public sealed class SheetModel(string name, IReadOnlyList<IReadOnlyList<object?>> rows)
{
    public string Name { get; } = name;

    /// <summary>Row i (0-based) is sheet row i + 1; a row's cells start at column A.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows { get; } = rows;

    /// <summary>The cell at a 1-based row and column, or null where blank or beyond the data.</summary>
    public object? Cell(int row, int column) =>
        row >= 1 && row <= Rows.Count && column >= 1 && column <= Rows[row - 1].Count ? Rows[row - 1][column - 1] : null;
}
