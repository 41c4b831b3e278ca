using System.Globalization;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>
/// For every service published below national level and every band sheet, the Provider rows must add up to
/// the National row exactly. A reader that drops, shifts or double-counts a row or column fails this, and so
/// does a workbook assembled from mismatched sheets.
/// </summary>
public sealed class ReconciliationCheck : IWorkbookCheck
{
    // By category and key, which the record carries whatever the header's exact spelling.
    private static readonly HashSet<(ServiceCategory, string)> NationalOnly =
        ServiceCatalogue.All.Where(s => s.NationalOnly).Select(s => (s.Category, s.Key)).ToHashSet();

    public WorkbookCheck Kind => WorkbookCheck.Reconciliation;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (IGrouping<(ServiceCategory Category, string Service), CommunityRecord> service in content.Records
            .GroupBy(r => (r.Category, r.Service)))
        {
            CommunityRecord? national = service.FirstOrDefault(r => r.OrganisationType == OrganisationType.National);
            CommunityRecord[] providers = service.Where(r => r.OrganisationType == OrganisationType.Provider).ToArray();
            CommunityRecord first = service.First();
            if (NationalOnly.Contains((first.Category, first.ServiceKey)))
            {
                continue;
            }

            foreach ((WaitBand band, string sheet) in content.BandSheets.OrderBy(b => b.Key))
            {
                int? nationalValue = national?[band];
                long? providerSum = null;
                foreach (CommunityRecord provider in providers)
                {
                    if (provider[band] is int value)
                    {
                        providerSum = (providerSum ?? 0) + value;
                    }
                }

                if (nationalValue == providerSum)
                {
                    continue;
                }

                CommunityRecord any = national ?? service.First();
                yield return new WorkbookFinding
                {
                    File = content.SourceFile,
                    Period = Month.Of(content.Period),
                    Check = Kind,
                    Severity = FindingSeverity.Error,
                    OrganisationCode = "",
                    OrganisationName = national?.OrganisationName ?? "England",
                    Service = any.Service,
                    ServiceKey = any.ServiceKey,
                    Band = band,
                    Sheet = sheet,
                    Expected = Text(nationalValue),
                    Actual = Text(providerSum),
                    Detail = $"In '{sheet}', {any.Service}: the National row says {Text(nationalValue)} but the {providers.Length} provider rows add up to {Text(providerSum)}.",
                };
            }
        }
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "blank";
}
