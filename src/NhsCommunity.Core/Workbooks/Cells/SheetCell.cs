using System.Globalization;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>One cell with a value. Text is the string as stored; Number is set for numbers (and dates, as OLE dates).</summary>
internal readonly record struct SheetCell(int Column, CellKind Kind, double Number, string? Text)
{
    public static SheetCell FromNumber(int column, double number) => new(column, CellKind.Number, number, null);

    public static SheetCell FromText(int column, string text) => new(column, CellKind.Text, 0, text);

    public static SheetCell FromDate(int column, DateTime date) => new(column, CellKind.Date, date.ToOADate(), null);

    /// <summary>Blank text (a shared string of spaces, say) counts as no value: the publication uses blanks for "not submitted".</summary>
    public bool IsBlank => Kind == CellKind.Text && string.IsNullOrWhiteSpace(Text);

    /// <summary>The value as a person would read it, for messages.</summary>
    public string Display => Kind switch
    {
        CellKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        CellKind.Date => DateTime.FromOADate(Number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Text ?? "",
    };
}
