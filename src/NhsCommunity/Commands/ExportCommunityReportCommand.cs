using System.Management.Automation;
using NhsCommunity.Coverage;
using NhsCommunity.Reports;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Writes the report files into a folder: coverage_matrix.csv, data_quality_report.md, checks.sql and a
/// self-contained report.html. From the database (the scope parameters), or from a report piped from
/// Test-CommunityCoverage. Each file is a ShouldProcess target; -WhatIf writes nothing.
/// </summary>
[Cmdlet(VerbsData.Export, "CommunityReport", SupportsShouldProcess = true, DefaultParameterSetName = DatabaseParameterSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCommunityReportCommand : CoverageCommandBase
{
    private const string DatabaseParameterSet = "Database";
    private const string ReportParameterSet = "Report";

    private const int ProgressId = 6;

    private CoverageReport? _report;

    /// <summary>The folder to write into; created if missing. Existing report files are replaced.</summary>
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
            ThrowTerminatingError(new ErrorRecord(e, ErrorIdPrefix + "WriteFailed", ErrorCategory.WriteError, folder));
            return;
        }

        foreach (ReportFile file in files.Where(f => f.Written))
        {
            WriteObject(new FileInfo(file.Path));
        }
    }

    private CoverageReport ReadReport()
    {
        CoverageScope scope = CreateScope();
        var (cells, sources) = ReadWorkbooks(WorkbookPath, ProgressId);
        return ReadDatabase(() => CoverageAnalyzer.Run(Database, scope, cells, sources, null, CancellationToken));
    }
}
