using System.Management.Automation;
using NhsCommunity.Coverage;
using NhsCommunity.Reports;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Writes the report files into a folder: coverage_matrix.csv, data_quality_report.md, checks.sql and a
/// self-contained report.html. From the database (the scope parameters), or from a report piped from
/// Test-CommunityCoverage. Each file is a ShouldProcess target; -WhatIf writes nothing. The files are staged beside
/// the folder and moved in together, so a failure leaves the previous report (or none).
/// </summary>
[Cmdlet(VerbsData.Export, "CommunityReport", SupportsShouldProcess = true, DefaultParameterSetName = DatabaseParameterSet)]
[OutputType(typeof(ReportFile))]
public sealed class ExportCommunityReportCommand : CoverageCommandBase
{
    private const string DatabaseParameterSet = "Database";
    private const string ReportParameterSet = "Report";

    private const int ProgressId = 6;

    private CoverageReport? _report;

    /// <summary>The folder to write into, taken literally (no wildcards); created if missing. Existing report files are replaced.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("Folder", "OutputPath")]
    public string Path { get; set; } = "";

    /// <summary>A report from Test-CommunityCoverage, instead of reading the database again.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ReportParameterSet)]
    public CoverageReport? InputObject { get; set; }

    /// <summary>Workbooks to compare the stored numbers with (SourceMismatch), as Test-CommunityCoverage -Path.</summary>
    [Parameter(ParameterSetName = DatabaseParameterSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? WorkbookPath { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();

        // Before any database work or pipeline input: a file where the folder should be is the caller's mistake.
        string folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(folder))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"'{folder}' is a file, not a folder. Export-CommunityReport writes {CommunityReportWriter.MatrixFile}, {CommunityReportWriter.MarkdownFile}, {CommunityReportWriter.SqlFile} and {CommunityReportWriter.HtmlFile} into a folder: give -Path a folder (a missing one is created), for example -Path ./report."),
                ErrorIdPrefix + "PathIsFile",
                ErrorCategory.InvalidArgument,
                folder));
        }
    }

    protected override void ProcessRecord()
    {
        base.ProcessRecord();
        if (InputObject is not null)
        {
            // The last report piped in wins: one folder holds one report.
            _report = InputObject;
        }
    }

    protected override void EndProcessing()
    {
        CoverageReport report = _report ?? ReadReport();
        string folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        IReadOnlyList<ReportFile> files;
        try
        {
            files = CommunityReportWriter.Write(
                report,
                folder,
                (path, description) => ShouldProcess(path, "Write " + description),
                CancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"The report could not be written into '{folder}': {e.Message} The folder keeps its previous report, if it had one. Check that you can write to the folder and to its parent (where the files are staged), then run the command again.", e),
                ErrorIdPrefix + "WriteFailed",
                ErrorCategory.WriteError,
                folder));
            return;
        }

        WriteObject(files.Where(f => f.Written), enumerateCollection: true);
    }

    private CoverageReport ReadReport()
    {
        CoverageScope scope = CreateScope();
        var (cells, sources) = ReadWorkbooks(WorkbookPath, ProgressId);
        return ReadDatabase(() => CoverageAnalyzer.Run(Database, scope, cells, sources, null, CancellationToken));
    }
}
