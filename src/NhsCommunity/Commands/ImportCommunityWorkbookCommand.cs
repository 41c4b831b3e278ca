using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Commands.PathResolution;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Reads CHS waiting list workbooks into one CommunityRecord per organisation × service with a reported
/// value. Each file's records are written as soon as that file is read; a file that cannot be read is an
/// error for that file only, and the next file is read.
/// </summary>
[Cmdlet(VerbsData.Import, "CommunityWorkbook", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(CommunityRecord))]
public sealed class ImportCommunityWorkbookCommand : FileInputCmdlet
{
    private const int ProgressActivityId = 1;
    private const string ProgressActivity = "Import-CommunityWorkbook";

    private readonly WorkbookImporter _importer = new();
    private int _filesRead;
    private WildcardPattern[]? _serviceKeyPatterns;

    /// <summary>Which levels to emit: Provider (default), ICB, Region, National or All.</summary>
    [Parameter]
    public OrganisationTypeFilter OrganisationType { get; set; } = OrganisationTypeFilter.Provider;

    /// <summary>Only these services (keys such as audiology or ltc_*); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServiceKeyCompleter))]
    public string[]? ServiceKey { get; set; }

    protected override void BeginProcessing()
    {
        _serviceKeyPatterns = ServiceKey?.Select(k => new WildcardPattern(k, WildcardOptions.IgnoreCase)).ToArray();
    }

    protected override void ProcessRecord()
    {
        IEnumerator<WorkbookReadResult> reads = _importer.ReadAll(ResolveFiles(), StopToken).GetEnumerator();
        try
        {
            while (Next(reads) is WorkbookReadResult read)
            {
                _filesRead++;
                WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, $"Reading {System.IO.Path.GetFileName(read.File)}")
                {
                    CurrentOperation = read.File,
                });

                if (read.Content is not WorkbookContent content)
                {
                    WorkbookFormatException e = read.Error!;
                    WriteError(new ErrorRecord(e, e.ErrorId, CategoryOf(e.ErrorId), read.File));
                    continue;
                }

                WriteVerbose(WorkbookReadReport.Describe(content, read.Elapsed));
                foreach (UnknownServiceHeader unknown in content.UnknownServiceHeaders)
                {
                    WriteWarning($"'{read.File}', sheet '{unknown.Sheet}', cell {unknown.Cell}: the service header '{unknown.Header}' is not in the catalogue; its counts are kept under the derived key {unknown.Category} '{unknown.Key}'.");
                }

                Write(content.Records);
            }
        }
        finally
        {
            reads.Dispose();
        }
    }

    /// <summary>The next file's result; the files after it are read meanwhile. Ctrl+C stops the pipeline.</summary>
    private WorkbookReadResult? Next(IEnumerator<WorkbookReadResult> reads)
    {
        try
        {
            return reads.MoveNext() ? reads.Current : null;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void Write(IReadOnlyList<CommunityRecord> records)
    {
        for (int i = 0; i < records.Count; i++)
        {
            if (Wanted(records[i]))
            {
                WriteObject(records[i]);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_filesRead > 0)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private bool Wanted(CommunityRecord record)
    {
        if (OrganisationType != OrganisationTypeFilter.All && (int)record.OrganisationType != (int)ToOrganisationType(OrganisationType))
        {
            return false;
        }

        return _serviceKeyPatterns is null || _serviceKeyPatterns.Any(p => p.IsMatch(record.ServiceKey));
    }

    private static Catalogue.OrganisationType ToOrganisationType(OrganisationTypeFilter filter) => filter switch
    {
        OrganisationTypeFilter.National => Catalogue.OrganisationType.National,
        OrganisationTypeFilter.Region => Catalogue.OrganisationType.Region,
        OrganisationTypeFilter.ICB => Catalogue.OrganisationType.ICB,
        _ => Catalogue.OrganisationType.Provider,
    };

    private static ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        WorkbookErrorIds.Unreadable => ErrorCategory.ReadError,
        WorkbookErrorIds.PasswordProtected => ErrorCategory.SecurityError,
        WorkbookErrorIds.BandSheetMissing or WorkbookErrorIds.HeaderRowNotFound => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.InvalidData,
    };
}
