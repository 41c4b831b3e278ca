namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A header cell of a band sheet cleared: mostly a service header, over a column that usually has counts,
/// which must then be refused, not dropped; sometimes an organisation header.
/// </summary>
internal sealed class BlankHeader : IWorkbookMutation
{
    public string Name => nameof(BlankHeader);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        BandSheetLayout sheet = random.Pick(subject.BandSheets);
        CellSpan header = random.Next(10) == 0 ? random.Pick(sheet.HeaderCells) : random.Pick(sheet.ServiceHeaders);
        return new Damage(
            $"cleared '{sheet.Sheet.Name}'!{header.Reference} '{subject.TextOf(header)}'",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, header.Start, header.Length, SheetXml.EmptyCell(header))).ToZip());
    }
}
