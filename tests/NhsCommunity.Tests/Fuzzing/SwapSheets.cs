using System.Text.RegularExpressions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// Two sheets swapped in the workbook's sheet list. The reader takes each sheet's meaning from its title
/// row, not its place, so the records must be exactly the same.
/// </summary>
internal sealed partial class SwapSheets : IWorkbookMutation
{
    public string Name => nameof(SwapSheets);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        string workbook = subject.Package.Text(subject.WorkbookPart);
        Match[] sheets = SheetElement().Matches(workbook).ToArray();
        int first = random.Next(sheets.Length);
        int second = (first + random.Next(1, sheets.Length)) % sheets.Length;
        (Match early, Match late) = first < second ? (sheets[first], sheets[second]) : (sheets[second], sheets[first]);
        string swapped = SheetXml.Replace(SheetXml.Replace(workbook, late.Index, late.Length, early.Value), early.Index, early.Length, late.Value);
        return new Damage(
            $"swapped sheets '{subject.Sheets[first].Name}' and '{subject.Sheets[second].Name}' in the workbook's list",
            Expectation.ReadEqual,
            subject.Package.WithText(subject.WorkbookPart, swapped).ToZip());
    }

    [GeneratedRegex(@"<sheet\b[^>]*/>")]
    private static partial Regex SheetElement();
}
