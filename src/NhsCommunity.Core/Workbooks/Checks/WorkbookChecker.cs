namespace NhsCommunity.Workbooks.Checks;

/// <summary>Runs the workbook's own checks over what the importer read. Plain C#: the cmdlet is glue over this.</summary>
public sealed class WorkbookChecker
{
    /// <summary>Every check, in the order findings are reported.</summary>
    public static IReadOnlyList<IWorkbookCheck> AllChecks { get; } =
    [
        new SheetSetCheck(),
        new FileNameCheck(),
        new UnknownHeaderCheck(),
        new ReconciliationCheck(),
        new BandSumCheck(),
    ];

    private readonly HashSet<WorkbookCheck>? _only;

    /// <param name="only">The kinds of finding to report, or null or empty for all.</param>
    public WorkbookChecker(IEnumerable<WorkbookCheck>? only = null)
    {
        _only = only?.ToHashSet();
        if (_only is { Count: 0 })
        {
            _only = null;
        }
    }

    public IEnumerable<WorkbookFinding> Check(WorkbookContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (IWorkbookCheck check in AllChecks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (WorkbookFinding finding in check.Run(content))
            {
                if (_only is null || _only.Contains(finding.Check))
                {
                    yield return finding;
                }
            }
        }
    }
}
