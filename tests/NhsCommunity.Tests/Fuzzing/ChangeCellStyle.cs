namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A count given another cell format. A date format (built-in or custom) makes Excel show 837 as a date in
/// 1902: the count is not a count any more and must be refused. A plain number format changes nothing.
/// </summary>
internal sealed class ChangeCellStyle : IWorkbookMutation
{
    // Built-in date and time formats (ECMA-376 18.8.30) and custom ones as Excel writes them.
    private static readonly int[] BuiltInDates = [14, 15, 16, 17, 22];
    private static readonly string[] CustomDates = ["dd/mm/yyyy", "yyyy-mm-dd", "mmm-yy", "d mmmm yyyy", "[$-809]dd mmmm yyyy"];

    // Built-in and custom number formats that show a whole number as itself.
    private static readonly int[] BuiltInNumbers = [1, 3];
    private static readonly string[] CustomNumbers = ["#,##0;-#,##0", "0_ ;-0\\ "];

    public string Name => nameof(ChangeCellStyle);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        (BandSheetLayout sheet, CellSpan cell) = random.PickCount(subject);
        string styles = subject.Package.Text(subject.StylesPart);
        bool date = random.Next(3) > 0;
        bool custom = random.Next(2) == 0;
        int id = custom ? CellFormats.FreeCustomId(styles) : random.Pick(date ? BuiltInDates : BuiltInNumbers);
        string? code = custom ? random.Pick(date ? CustomDates : CustomNumbers) : null;
        (string newStyles, int index) = CellFormats.Add(styles, id, code);
        string element = SheetXml.WithAttribute(sheet.Xml.Substring(cell.Start, cell.Length), "s", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Damage(
            $"'{sheet.Sheet.Name}'!{cell.Reference} ({cell.Value}) given the {(date ? "date" : "number")} format {code ?? $"built-in {id}"} (cell format {index})",
            date ? Expectation.Refuse : Expectation.ReadEqual,
            subject.Package
                .WithText(subject.StylesPart, newStyles)
                .WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, element))
                .ToZip());
    }
}
