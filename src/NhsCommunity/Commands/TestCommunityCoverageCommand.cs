using System.Collections.ObjectModel;
using System.Management.Automation;
using NhsCommunity.Coverage;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Which trusts have community_data for which months, and is every document sound: one CoverageReport
/// (coverage rows, findings of every check, summary figures, Passed), or with -AsMatrix one row per trust
/// with a column per month. With -Path, the stored numbers are compared with the workbooks' cells.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CommunityCoverage", DefaultParameterSetName = ReportParameterSet)]
[OutputType(typeof(CoverageReport), ParameterSetName = [ReportParameterSet])]
[OutputType(typeof(PSObject), ParameterSetName = [MatrixParameterSet])]
public sealed class TestCommunityCoverageCommand : CoverageCommandBase
{
    private const string ReportParameterSet = "Report";
    private const string MatrixParameterSet = "Matrix";
    private const int ProgressId = 5;

    /// <summary>Workbooks to compare the stored numbers with (SourceMismatch): files, folders of workbooks, or wildcards.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("WorkbookPath")]
    public string[]? Path { get; set; }

    /// <summary>Emit the coverage matrix (one object per trust, a property per month) instead of the report.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MatrixParameterSet)]
    public SwitchParameter AsMatrix { get; set; }

    protected override void EndProcessing()
    {
        CoverageScope scope = CreateScope();
        var (cells, files) = ReadWorkbooks(Path, ProgressId);

        var progress = new ProgressRecord(ProgressId, "Test-CommunityCoverage", "Reading " + Database.Description);
        WriteProgress(progress);
        CoverageReport report = ReadDatabase(() => CoverageAnalyzer.Run(
            Database,
            scope,
            cells,
            files,
            new Progress<string>(_ => { }),
            CancellationToken));
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);

        WriteVerbose($"{report.Rows} rows of {report.Trusts} trusts over {report.Periods} months; {report.Findings.Count} findings ({report.Errors} errors, {report.Warnings} warnings).");
        if (AsMatrix)
        {
            foreach (CoverageMatrixRow row in report.ToMatrix())
            {
                WriteObject(ToPSObject(row));
            }
        }
        else
        {
            WriteObject(report);
        }
    }

    /// <summary>A matrix row as PowerShell shows and exports it: TrustCode, TrustName, then a property per month.</summary>
    internal static PSObject ToPSObject(CoverageMatrixRow row)
    {
        var result = new PSObject();
        foreach (System.Collections.DictionaryEntry entry in row.ToDictionary())
        {
            result.Properties.Add(new PSNoteProperty((string)entry.Key, entry.Value));
        }

        result.TypeNames.Insert(0, "NhsCommunity.Coverage.CoverageMatrixRow#PSObject");
        return result;
    }
}
