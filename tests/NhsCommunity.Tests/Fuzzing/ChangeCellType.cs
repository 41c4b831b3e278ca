using System.Globalization;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A count's type attribute changed. Boolean, error, date and shared-string types make it something that is
/// not a count: refused. A formula's text result ("str") or an explicit "n" may still read as the same number.
/// (An inline string type is <see cref="InlineStringWithoutText"/>.)
/// </summary>
internal sealed class ChangeCellType : IWorkbookMutation
{
    private static readonly string[] Types = ["b", "e", "d", "s", "str", "n"];
    private static readonly string[] ErrorValues = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!"];

    public string Name => nameof(ChangeCellType);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        (BandSheetLayout sheet, CellSpan cell) = random.PickCount(subject);
        string type = random.Pick(Types);
        string value = cell.Value!;
        Expectation expectation = Expectation.Refuse;
        switch (type)
        {
            case "e":
                value = random.Pick(ErrorValues);
                break;
            case "d" when random.Next(2) == 0:
                value = subject.Content.Period.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
                break;
            case "s" when int.TryParse(value, CultureInfo.InvariantCulture, out int index) && index < subject.SharedStrings.Count
                && (double.TryParse(subject.SharedStrings[index], CultureInfo.InvariantCulture, out _) || string.IsNullOrWhiteSpace(subject.SharedStrings[index])):
                // That shared string is a number, or blank text (which the publication uses for "not submitted"):
                // the file would validly say a different count, or none. Not damage.
                type = "e";
                value = random.Pick(ErrorValues);
                break;
            case "str":
                expectation = Expectation.RefuseOrReadEqual;
                break;
            case "n":
                expectation = Expectation.ReadEqual;
                break;
        }

        string element = SheetXml.WithAttribute(sheet.Xml.Substring(cell.Start, cell.Length), "t", type).Replace($"<v>{cell.Value}</v>", $"<v>{value}</v>", StringComparison.Ordinal);
        return new Damage(
            $"'{sheet.Sheet.Name}'!{cell.Reference} ({cell.Value}) given t=\"{type}\" and value '{value}'",
            expectation,
            subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, element)).ToZip());
    }
}
