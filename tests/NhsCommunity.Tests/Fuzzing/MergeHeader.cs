using System.Text.RegularExpressions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A service header merged with the one to its right, as Excel does it: the merge keeps the left cell's
/// text and clears the right one, whose column of counts then has no header of its own.
/// </summary>
internal sealed partial class MergeHeader : IWorkbookMutation
{
    public string Name => nameof(MergeHeader);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        BandSheetLayout sheet = random.Pick(subject.BandSheets);
        int left = random.Next(sheet.ServiceHeaders.Count - 1);
        CellSpan first = sheet.ServiceHeaders[left];
        CellSpan second = sheet.ServiceHeaders[left + 1];
        string xml = SheetXml.Replace(sheet.Xml, second.Start, second.Length, SheetXml.EmptyCell(second));
        string merge = $"<mergeCell ref=\"{first.Reference}:{second.Reference}\"/>";
        Match existing = MergeCells().Match(xml);
        if (existing.Success)
        {
            int count = MergeCell().Count(existing.Value) + 1;
            string merged = SheetXml.WithAttribute(existing.Value, "count", count.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("</mergeCells>", merge + "</mergeCells>", StringComparison.Ordinal);
            xml = SheetXml.Replace(xml, existing.Index, existing.Length, merged);
        }
        else
        {
            int end = xml.IndexOf("</sheetData>", StringComparison.Ordinal) + "</sheetData>".Length;
            xml = xml.Insert(end, $"<mergeCells count=\"1\">{merge}</mergeCells>");
        }

        return new Damage(
            $"merged '{sheet.Sheet.Name}'!{first.Reference}:{second.Reference} ('{subject.TextOf(first)}' over '{subject.TextOf(second)}')",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithText(sheet.Sheet.Part, xml).ToZip());
    }

    [GeneratedRegex(@"<mergeCells\b[^>]*>.*?</mergeCells>", RegexOptions.Singleline)]
    private static partial Regex MergeCells();

    [GeneratedRegex(@"<mergeCell\b")]
    private static partial Regex MergeCell();
}
