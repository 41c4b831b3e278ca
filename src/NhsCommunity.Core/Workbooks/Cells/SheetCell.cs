using System.Globalization;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>One cell with a value. Text is the string as stored; Number is set for numbers (and dates, as OLE dates).</summary>
internal readonly record struct SheetCell(int Column, CellKind Kind, double Number, string? Text)
{
    public static SheetCell FromNumber(int column, double number) => new(column, CellKind.Number, number, null);

    /// <summary>A stored number; one shown with a date format is a date, whatever its digits.</summary>
    public static SheetCell FromNumber(int column, double number, bool dateStyle) =>
        new(column, dateStyle ? CellKind.Date : CellKind.Number, number, null);

    public static SheetCell FromText(int column, string text) => new(column, CellKind.Text, 0, text);

    public static SheetCell FromDate(int column, DateTime date) => new(column, CellKind.Date, date.ToOADate(), null);

    public static SheetCell FromError(int column, string error) => new(column, CellKind.Error, 0, error);

    public static SheetCell FormulaWithoutValue(int column) => new(column, CellKind.FormulaWithoutValue, 0, null);

    public static SheetCell Damaged(int column, string damage) => new(column, CellKind.Damaged, 0, damage);

    /// <summary>Blank text (a shared string of spaces, say) counts as no value: the publication uses blanks for "not submitted".</summary>
    public bool IsBlank => Kind == CellKind.Text && string.IsNullOrWhiteSpace(Text);

    /// <summary>The value as a person would read it, for messages.</summary>
    public string Display => Kind switch
    {
        CellKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        CellKind.Date when Number is > -657435 and < 2958466 => DateTime.FromOADate(Number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        CellKind.Date => Number.ToString(CultureInfo.InvariantCulture),
        CellKind.FormulaWithoutValue => "(a formula with no saved value)",
        CellKind.Damaged => "(a damaged cell)",
        _ => Text ?? "",
    };
}
