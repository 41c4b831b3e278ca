using System.Globalization;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Reads the publication date off the Cover page: "Published:" (dd/mm/yyyy) and "Revised:", which is "-"
/// until a revised edition sets it to a date. The revision date wins, so a revised workbook is told apart.
/// </summary>
internal static class CoverPage
{
    private static readonly string[] DateFormats = ["dd/MM/yyyy", "d/M/yyyy", "dd/MM/yy", "d MMMM yyyy", "dd MMMM yyyy", "yyyy-MM-dd"];

    public static bool IsCoverPage(string sheetName) => sheetName.Trim().StartsWith("Cover", StringComparison.OrdinalIgnoreCase);

    public static DateTime? ReadLastUpdated(SheetGrid? cover)
    {
        if (cover is null)
        {
            return null;
        }

        return DateAfterLabel(cover, "Revised") ?? DateAfterLabel(cover, "Published");
    }

    private static DateTime? DateAfterLabel(SheetGrid cover, string label)
    {
        foreach (SheetRow row in cover.Rows)
        {
            for (int i = 0; i < row.Cells.Length; i++)
            {
                SheetCell cell = row.Cells[i];
                if (cell.Kind != CellKind.Text || !cell.Text!.Trim().TrimEnd(':').Trim().Equals(label, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                for (int j = i + 1; j < row.Cells.Length; j++)
                {
                    if (!row.Cells[j].IsBlank)
                    {
                        return ToDate(row.Cells[j]);
                    }
                }
            }
        }

        return null;
    }

    private static DateTime? ToDate(SheetCell cell)
    {
        if (cell.Kind is CellKind.Number or CellKind.Date)
        {
            return cell.Number is > 0 and < 2958466 ? DateTime.FromOADate(Math.Floor(cell.Number)) : null;
        }

        return DateTime.TryParseExact(cell.Text!.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date)
            ? date
            : null;
    }
}
