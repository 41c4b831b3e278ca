namespace NhsCommunity.Workbooks.Cells;

/// <summary>Every non-empty cell of one sheet, by row. Rows without a value are left out.</summary>
internal sealed class SheetGrid(string name, IReadOnlyList<SheetRow> rows)
{
    public string Name { get; } = name;

    public IReadOnlyList<SheetRow> Rows { get; } = rows;

    /// <summary>The title: the first text in the sheet's first rows (row 1 in every real file).</summary>
    public string? Title => FindTitle(Rows);

    internal static string? FindTitle(IEnumerable<SheetRow> rows)
    {
        foreach (SheetRow row in rows)
        {
            foreach (SheetCell cell in row.Cells)
            {
                if (cell.Kind == CellKind.Text && !cell.IsBlank)
                {
                    return cell.Text!.Trim();
                }
            }
        }

        return null;
    }
}
