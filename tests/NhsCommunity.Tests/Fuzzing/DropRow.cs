namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// One &lt;row&gt; of a band sheet removed: a title, header, note or organisation row. An organisation's
/// row gone from one table means that organisation's counts for the band are gone: refused, or no data at all.
/// </summary>
internal sealed class DropRow : IWorkbookMutation
{
    public string Name => nameof(DropRow);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        BandSheetLayout sheet = random.Pick(subject.BandSheets);
        IReadOnlyList<RowSpan> rows = SheetXml.Rows(sheet.Xml);

        // Half the time an organisation's row, which is where the numbers are.
        RowSpan row = random.Next(2) == 0 ? random.Pick(sheet.DataRows) : random.Pick(rows);
        string xml = SheetXml.Replace(sheet.Xml, row.Start, row.Length, "");
        return new Damage(
            $"removed row {row.Number} of '{sheet.Sheet.Name}'",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithText(sheet.Sheet.Part, xml).ToZip());
    }
}
