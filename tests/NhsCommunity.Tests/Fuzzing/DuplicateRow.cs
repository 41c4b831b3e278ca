namespace NhsCommunity.Tests.Fuzzing;

/// <summary>One &lt;row&gt; of a band sheet written twice in a row, with the same row number.</summary>
internal sealed class DuplicateRow : IWorkbookMutation
{
    public string Name => nameof(DuplicateRow);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        BandSheetLayout sheet = random.Pick(subject.BandSheets);
        RowSpan row = random.Next(2) == 0 ? random.Pick(sheet.DataRows) : random.Pick(SheetXml.Rows(sheet.Xml));
        string element = sheet.Xml.Substring(row.Start, row.Length);
        string xml = SheetXml.Replace(sheet.Xml, row.Start, row.Length, element + element);
        return new Damage(
            $"wrote row {row.Number} of '{sheet.Sheet.Name}' twice",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithText(sheet.Sheet.Part, xml).ToZip());
    }
}
