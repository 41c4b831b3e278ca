namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A count's type changed to an inline string while its number stays in &lt;v&gt; and there is no &lt;is&gt;:
/// the cell holds something, but no text an inline string could have. Read as blank, the count would be
/// lost without a word; it must be refused or read as the number it holds.
/// </summary>
internal sealed class InlineStringWithoutText : IWorkbookMutation
{
    public string Name => nameof(InlineStringWithoutText);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        (BandSheetLayout sheet, CellSpan cell) = random.PickCount(subject);
        string element = SheetXml.WithAttribute(sheet.Xml.Substring(cell.Start, cell.Length), "t", "inlineStr");
        return new Damage(
            $"'{sheet.Sheet.Name}'!{cell.Reference} ({cell.Value}) given t=\"inlineStr\", its <v> kept and no <is>",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, element)).ToZip());
    }
}
