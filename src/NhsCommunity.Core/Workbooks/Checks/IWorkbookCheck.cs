namespace NhsCommunity.Workbooks.Checks;

/// <summary>One of the workbook's own checks, run over what the importer read.</summary>
public interface IWorkbookCheck
{
    WorkbookCheck Kind { get; }

    IEnumerable<WorkbookFinding> Run(WorkbookContent content);
}
