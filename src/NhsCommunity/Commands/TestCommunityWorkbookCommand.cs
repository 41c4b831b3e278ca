using System.Diagnostics;
using System.Management.Automation;
using NhsCommunity.Commands.PathResolution;
using NhsCommunity.Workbooks;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Commands;

/// <summary>
/// Runs the workbooks' own checks (providers against National, bands against totals, file name against the
/// period inside, unknown headers, the sheet set) and emits one WorkbookFinding per thing found. A file that
/// cannot be read is an error for that file only, and the next file is checked.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CommunityWorkbook", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(WorkbookFinding))]
public sealed class TestCommunityWorkbookCommand : FileInputCmdlet
{
    private const int ProgressActivityId = 2;
    private const string ProgressActivity = "Test-CommunityWorkbook";

    private readonly WorkbookImporter _importer = new();
    private WorkbookChecker _checker = new();
    private int _filesChecked;

    /// <summary>Only these kinds of finding (Reconciliation, BandSum, FileName, UnknownHeader, MissingSheet, UnexpectedSheet).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public WorkbookCheck[]? Check { get; set; }

    protected override void BeginProcessing() => _checker = new WorkbookChecker(Check);

    protected override void ProcessRecord()
    {
        foreach (string file in ResolveFiles())
        {
            _filesChecked++;
            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, $"Checking {System.IO.Path.GetFileName(file)}")
            {
                CurrentOperation = file,
            });

            try
            {
                long started = Stopwatch.GetTimestamp();
                WorkbookContent content = _importer.Read(file, StopToken);
                WriteVerbose(WorkbookReadReport.Describe(content, Stopwatch.GetElapsedTime(started)));
                int findings = 0;
                foreach (WorkbookFinding finding in _checker.Check(content, StopToken))
                {
                    findings++;
                    WriteObject(finding);
                }

                WriteVerbose($"Checked '{file}': {findings} finding(s).");
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (WorkbookFormatException e)
            {
                WriteError(new ErrorRecord(e, e.ErrorId, CategoryOf(e.ErrorId), file));
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_filesChecked > 0)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private static ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        WorkbookErrorIds.Unreadable => ErrorCategory.ReadError,
        WorkbookErrorIds.PasswordProtected => ErrorCategory.SecurityError,
        WorkbookErrorIds.BandSheetMissing or WorkbookErrorIds.HeaderRowNotFound => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.InvalidData,
    };
}
