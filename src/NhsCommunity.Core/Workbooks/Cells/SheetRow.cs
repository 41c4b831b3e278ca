namespace NhsCommunity.Workbooks.Cells;

/// <summary>A row of a sheet: its 1-based number and its non-empty cells, in column order.</summary>
internal sealed class SheetRow(int number, SheetCell[] cells)
{
    public int Number { get; } = number;

    public SheetCell[] Cells { get; } = cells;

    public bool TryGet(int column, out SheetCell cell)
    {
        foreach (SheetCell candidate in Cells)
        {
            if (candidate.Column == column)
            {
                cell = candidate;
                return true;
            }

            if (candidate.Column > column)
            {
                break;
            }
        }

        cell = default;
        return false;
    }

    /// <summary>The trimmed text of a cell, or "" where it is empty or not text.</summary>
    public string TextAt(int column) =>
        TryGet(column, out SheetCell cell) && cell.Kind == CellKind.Text ? cell.Text!.Trim() : "";
}
