using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>Service headers the catalogue does not know: imported under a derived key, and worth adding to the catalogue.</summary>
public sealed class UnknownHeaderCheck : IWorkbookCheck
{
    public WorkbookCheck Kind => WorkbookCheck.UnknownHeader;

    public IEnumerable<WorkbookFinding> Run(WorkbookContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (string header in content.UnknownHeaders)
        {
            ServiceDefinition derived = ServiceCatalogue.Derive(header);
            yield return new WorkbookFinding
            {
                File = content.SourceFile,
                Period = content.Period,
                Check = Kind,
                Severity = FindingSeverity.Warning,
                Service = header,
                ServiceKey = derived.Key,
                Actual = header,
                Detail = $"The service header '{header}' is not in the service catalogue; its figures are imported under the derived key '{derived.Key}' ({derived.Category}). Add it to the catalogue if it is a new service.",
            };
        }
    }
}
