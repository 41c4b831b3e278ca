using System.Globalization;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>
/// For each provider service, the bands (Table 4a to 4g, or 4h where the 52+ band is split) should add up to
/// the total (Table 4). A handful per month do not, in the source itself: they are reported, never corrected.
/// Blank cells count as zero on both sides.
/// </summary>
public sealed class BandSumCheck : IWorkbookCheck
{
    public WorkbookCheck Kind => WorkbookCheck.BandSum;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        IReadOnlyList<WaitBand> parts = content.HasSplit52Weeks
            ? [.. BandCatalogue.UpTo52Weeks, WaitBand.Wait52To104Weeks, WaitBand.Wait104PlusWeeks]
            : [.. BandCatalogue.UpTo52Weeks, WaitBand.Wait52PlusWeeks];
        foreach (CommunityRecord record in content.Records)
        {
            if (record.OrganisationType != OrganisationType.Provider)
            {
                continue;
            }

            long total = record.TotalWaiting ?? 0;
            long sum = parts.Sum(band => (long)(record[band] ?? 0));
            if (total == sum)
            {
                continue;
            }

            string expected = total.ToString(CultureInfo.InvariantCulture);
            string actual = sum.ToString(CultureInfo.InvariantCulture);
            yield return new WorkbookFinding
            {
                File = content.SourceFile,
                Period = Month.Of(content.Period),
                Check = Kind,
                Severity = FindingSeverity.Warning,
                OrganisationCode = record.OrganisationCode,
                OrganisationName = record.OrganisationName,
                Service = record.Service,
                ServiceKey = record.ServiceKey,
                Band = WaitBand.Total,
                Sheet = content.BandSheets.TryGetValue(WaitBand.Total, out string? sheet) ? sheet : null,
                Expected = expected,
                Actual = actual,
                Detail = $"{record.OrganisationCode} {record.OrganisationName}, {record.Service}: the total waiting list is {expected} but the bands add up to {actual} (as published; not corrected).",
            };
        }
    }
}
