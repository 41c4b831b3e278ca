using System.Management.Automation;
using NhsCommunity.Database;
using NhsCommunity.Mapping;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Lines up the providers in CHS workbooks (or Import-CommunityWorkbook output) with the trusts in
/// trust_metrics: one TrustMappingEntry per provider code, plus the database trusts no workbook reports.
/// The report of what a backfill will write, leave out, and where names differ.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TrustMapping", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TrustMappingEntry))]
public sealed class GetTrustMappingCommand : DatabaseCommandBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    private readonly TrustMapper _mapper = new();
    private readonly WorkbookImporter _importer = new();

    /// <summary>Workbook paths or folders of workbooks; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Workbook paths taken as written; bound from Get-ChildItem output by PSPath.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Records from Import-CommunityWorkbook; only provider records are used.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [AllowEmptyCollection]
    public CommunityRecord[] InputObject { get; set; } = [];

    protected override void BeginProcessing()
    {
        // Settle the database before reading any workbook: a missing connection fails fast.
        WriteVerbose($"Trusts from trust_metrics in {Database.Description}.");
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (CommunityRecord? record in InputObject)
            {
                if (record is not null)
                {
                    _mapper.Add(record);
                }
            }

            return;
        }

        var files = ParameterSetName == LiteralPathSet
            ? WorkbookPaths.Resolve(this, ErrorIdPrefix, LiteralPath, literal: true)
            : WorkbookPaths.Resolve(this, ErrorIdPrefix, Path, literal: false);
        foreach (string file in files)
        {
            WriteVerbose($"Reading '{file}'.");
            try
            {
                _mapper.AddRange(_importer.Read(file, CancellationToken).Records);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (WorkbookFormatException e)
            {
                WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, e.File));
            }
        }
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<TrustMappingEntry> entries;
        try
        {
            entries = _mapper.MapAsync(PostgresTrustDirectory.From(Database), CancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (DatabaseTimeoutException e)
        {
            ThrowTerminatingError(TimeoutError(e, Database.Description));
            return;
        }
        catch (DatabaseUnavailableException e)
        {
            // The message names the database as user@host:port/db only, redacted of the password for good measure.
            var problem = new DatabaseUnavailableException(Database.Redact(e.Message), e);
            ThrowTerminatingError(DatabaseError(problem, "TrustsUnreadable", ErrorCategory.ReadError, Database.Description));
            return;
        }

        foreach (TrustMappingEntry entry in entries)
        {
            WriteObject(entry);
        }
    }
}
