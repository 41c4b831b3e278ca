namespace NhsCommunity.Tests.Fuzzing;

/// <summary>The choices mutations make, all drawn from the case's seeded <see cref="Random"/>.</summary>
internal static class RandomChoices
{
    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A part, half the time one the records depend on, so the damage lands where it matters as often as not.</summary>
    public static string PickPart(this Random random, FuzzSubject subject) =>
        random.Next(2) == 0 ? random.Pick(subject.NeededParts.Order(StringComparer.Ordinal).ToArray()) : random.Pick(subject.Package.PartNames);

    /// <summary>A count: a numeric cell under a service header, in a row below a band sheet's header row.</summary>
    public static (BandSheetLayout Sheet, CellSpan Cell) PickCount(this Random random, FuzzSubject subject)
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            BandSheetLayout sheet = random.Pick(subject.BandSheets);
            RowSpan row = random.Pick(sheet.DataRows);
            var serviceColumns = sheet.ServiceHeaders.Select(h => SheetXml.ColumnOf(h.Reference)).ToHashSet();
            CellSpan[] counts = SheetXml.Cells(sheet.Xml, row)
                .Where(c => c.Value is not null && c.Type is null or "n" && serviceColumns.Contains(SheetXml.ColumnOf(c.Reference)))
                .ToArray();
            if (counts.Length > 0)
            {
                return (sheet, random.Pick(counts));
            }
        }

        throw new InvalidOperationException($"{subject.Label}: no count found");
    }
}
