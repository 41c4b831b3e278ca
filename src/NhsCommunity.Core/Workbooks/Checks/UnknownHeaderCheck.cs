using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>Service headers the catalogue does not know: imported under a derived key, and worth adding to the catalogue.</summary>
public sealed class UnknownHeaderCheck : IWorkbookCheck
{
    public WorkbookCheck Kind => WorkbookCheck.UnknownHeader;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);

        // Where the reader says where it saw each header, the finding names the sheet and cell too.
        IEnumerable<UnknownServiceHeader> unknown = content.UnknownServiceHeaders.Count > 0
            ? content.UnknownServiceHeaders
            : content.UnknownHeaders.Select(header =>
            {
                ServiceDefinition derived = ServiceCatalogue.Derive(header);
                return new UnknownServiceHeader(header, "", "", derived.Category, derived.Key);
            });
        foreach (UnknownServiceHeader header in unknown)
        {
            string where = header.Sheet.Length > 0 ? $" (sheet '{header.Sheet}', cell {header.Cell})" : "";
            yield return new WorkbookFinding
            {
                File = content.SourceFile,
                Period = Month.Of(content.Period),
                Check = Kind,
                Severity = FindingSeverity.Warning,
                Service = header.Header,
                ServiceKey = header.Key,
                Sheet = header.Sheet.Length > 0 ? header.Sheet : null,
                Actual = header.Header,
                Detail = $"The service header '{header.Header}'{where} is not in the service catalogue; its figures are imported under the derived key '{header.Key}' ({header.Category}). Add it to the catalogue if it is a new service.",
            };
        }
    }
}
