using System.Globalization;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>
/// The file name's month (financial year, then month: "2024-25-January" is January 2025) should be the month
/// the workbook's titles say. The titles win; a disagreeing name usually means a renamed or mislabelled file.
/// Names that do not follow the publication's pattern are not judged.
/// </summary>
public sealed class FileNameCheck : IWorkbookCheck
{
    public WorkbookCheck Kind => WorkbookCheck.FileName;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string name = Path.GetFileName(content.SourceFile);
        if (!WorkbookFileName.TryParse(name, out DateTime named) || named == content.Period)
        {
            yield break;
        }

        string inside = MonthYear(content.Period);
        string claimed = MonthYear(named);
        yield return new WorkbookFinding
        {
            File = content.SourceFile,
            Period = Month.Of(content.Period),
            Check = Kind,
            Severity = FindingSeverity.Warning,
            Expected = inside,
            Actual = claimed,
            Detail = $"The file name '{name}' says {claimed} but the workbook's titles say {inside}; the data is read as {inside}. Rename the file to '{WorkbookFileName.For(content.Period, Path.GetExtension(name))}' to avoid confusion.",
        };
    }

    private static string MonthYear(DateTime period) => period.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
}
