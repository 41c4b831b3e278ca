namespace NhsCommunity.Workbooks.Checks;

/// <summary>
/// The workbook should have exactly the publication's sheets: Cover page, Contents, Tables 1 to 3 and the band
/// sheets of its layout. A missing band sheet is an error (its figures are absent); a missing leading sheet or
/// an extra sheet is worth knowing.
/// </summary>
public sealed class SheetSetCheck : IWorkbookCheck
{
    public WorkbookCheck Kind => WorkbookCheck.MissingSheet;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        IReadOnlyList<string> expected = PublicationSheets.All(content.HasSplit52Weeks);
        var present = new HashSet<string>(content.SheetNames.Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase);
        var bandSheets = new HashSet<string>(content.BandSheets.Values, StringComparer.OrdinalIgnoreCase);
        foreach (string sheet in expected.Where(s => !present.Contains(s)))
        {
            bool band = !PublicationSheets.Leading.Contains(sheet);
            yield return new WorkbookFinding
            {
                File = content.SourceFile,
                Period = Month.Of(content.Period),
                Check = WorkbookCheck.MissingSheet,
                Severity = band ? FindingSeverity.Error : FindingSeverity.Warning,
                Sheet = sheet,
                Expected = sheet,
                Detail = band
                    ? $"The band sheet '{sheet}' is missing, so its figures are absent. Download the workbook again."
                    : $"The sheet '{sheet}' that every workbook of the publication has is missing; the figures do not depend on it.",
            };
        }

        var known = new HashSet<string>(expected, StringComparer.OrdinalIgnoreCase);
        foreach (string sheet in content.SheetNames.Where(s => !known.Contains(s.Trim())))
        {
            yield return new WorkbookFinding
            {
                File = content.SourceFile,
                Period = Month.Of(content.Period),
                Check = WorkbookCheck.UnexpectedSheet,
                Severity = FindingSeverity.Information,
                Sheet = sheet,
                Actual = sheet,
                Detail = bandSheets.Contains(sheet)
                    ? $"The sheet '{sheet}' is not one the publication names, but its title makes it a band sheet and it was read."
                    : $"The sheet '{sheet}' is not part of the publication and was not read.",
            };
        }
    }
}
