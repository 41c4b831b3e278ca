namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A count turned into a formula: with its cached value it still reads as the same number; without one (a
/// file saved by a tool that does not calculate) there is no number to read, and that must be refused.
/// </summary>
internal sealed class CountFormula : IWorkbookMutation
{
    public string Name => nameof(CountFormula);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        (BandSheetLayout sheet, CellSpan cell) = random.PickCount(subject);
        bool cached = random.Next(2) == 0;
        string formula = $"<f>SUM(E1:E{random.Next(2, 200)})</f>";
        string element = sheet.Xml.Substring(cell.Start, cell.Length)
            .Replace($"<v>{cell.Value}</v>", cached ? $"{formula}<v>{cell.Value}</v>" : formula, StringComparison.Ordinal);
        return new Damage(
            $"'{sheet.Sheet.Name}'!{cell.Reference} ({cell.Value}) made a formula {(cached ? "with its cached value" : "without a cached value")}",
            cached ? Expectation.ReadEqual : Expectation.Refuse,
            subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, element)).ToZip());
    }
}
