using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Management.Automation;
using NhsCommunity.Backfill;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Ledger;
using NhsCommunity.Mapping;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// The backfill in one command, for scheduled tasks: reads the workbooks (files or folders), maps their
/// providers against trust_metrics, builds the documents and writes them month by month (one round trip
/// and one transaction a month), then returns one summary. Glue over the same core as
/// Import-CommunityWorkbook | ConvertTo-CommunityJsonb | Update-TrustMetrics.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "CommunityBackfill", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackfillSummary))]
public sealed class InvokeCommunityBackfillCommand : TrustMetricsWriteCommandBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 4200;

    private readonly WorkbookImporter _importer = new();
    private readonly CommunityDocumentBuilder _builder = new();
    private readonly TrustMapper _mapper = new();
    private readonly BackfillTally _tally = new();
    private readonly Stopwatch _clock = new();
    private readonly ProgressRecord _progress = new(ProgressActivityId, "Invoke-CommunityBackfill", "Starting");
    private readonly List<LoadFile> _files = [];
    private TrustMetricsWriter? _writer;
    private LoadPlan? _plan;

    // Whether any workbook read is to be written (one older than the edition loaded is not).
    private bool _anyToWrite;

    /// <summary>Workbooks, or folders of workbooks; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Workbooks or folders taken as written; bound from Get-ChildItem output by PSPath.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Read every workbook again, also those whose bytes the load ledger says were loaded before.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        _clock.Start();
        ValidateColumn();

        // Settle the database before reading any workbook: a bad connection setting fails fast.
        _ = Database;
    }

    protected override void ProcessRecord()
    {
        var files = ParameterSetName == LiteralPathSet
            ? WorkbookPaths.Resolve(this, ErrorIdPrefix, LiteralPath, literal: true, _tally.FileFailed)
            : WorkbookPaths.Resolve(this, ErrorIdPrefix, Path, literal: false, _tally.FileFailed);

        // Only hashed here: whether a file is read at all depends on the ledger, asked once for all of them.
        foreach (string file in files)
        {
            Progress($"Hashing {System.IO.Path.GetFileName(file)}", -1);
            try
            {
                _files.Add(LoadFile.Hash(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _tally.FileFailed(file, e.Message);
                WriteError(new ErrorRecord(e, ErrorIdPrefix + "FileUnreadable", ErrorCategory.ReadError, file));
            }
        }
    }

    private void Read()
    {
        var plan = _plan = Force ? new LoadPlan(_files, new Dictionary<string, PreviousLoad>()) : AskDatabase(PlanAsync);
        foreach (LoadEntry skipped in plan.Entries)
        {
            WriteVerbose($"'{skipped.File.FileName}' not read: {skipped.Reason}.");
        }

        foreach (LoadFile file in plan.ToRead)
        {
            Progress($"Reading {file.FileName}", -1);
            WorkbookContent content;
            string sha256;
            try
            {
                content = _importer.Read(file.Path, out sha256, CancellationToken);
            }
            catch (WorkbookFormatException e)
            {
                _tally.FileFailed(file.Path, e.Message);
                plan.Failed(file, e.Message);
                WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, file.Path));
                continue;
            }

            _tally.FileRead();

            // The ledger keeps the hash of the bytes parsed: the file may have been replaced since it was hashed.
            if (plan.Read(file with { Sha256 = sha256 }, content.Period, content.LastUpdated) is { } superseded)
            {
                WriteWarning($"'{file.FileName}' not written: {superseded.Reason}.");
                continue;
            }

            _tally.MonthFound(content.Period);
            _anyToWrite = true;
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Read '{file.Path}': {content.Period:yyyy-MM}, {content.Records.Count} records."));
            foreach (CommunityRecord record in content.Records)
            {
                _mapper.Add(record);
                _builder.Add(record);
            }
        }
    }

    /// <summary>
    /// What the ledger says of the files: loaded before (by hash). Only when some are not: the edition standing for
    /// each month, so an older edition is not written over it, and which of the others were found older before.
    /// </summary>
    private async Task<LoadPlan> PlanAsync()
    {
        List<string> hashes = _files.Select(f => f.Sha256).Distinct().ToList();
        IReadOnlyDictionary<string, PreviousLoad> loadedBefore = await LoadLedger.LoadedBeforeAsync(Database, hashes, DataType, Column, CancellationToken).ConfigureAwait(false);
        List<string> unknown = hashes.Where(h => !loadedBefore.ContainsKey(h)).ToList();
        if (unknown.Count == 0)
        {
            return new LoadPlan(_files, loadedBefore);
        }

        IReadOnlyDictionary<DateTime, PreviousLoad> standing = await LoadLedger.StandingEditionsAsync(Database, DataType, Column, CancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, PreviousLoad> supersededBefore = await LoadLedger.SupersededBeforeAsync(Database, unknown, DataType, Column, CancellationToken).ConfigureAwait(false);
        return new LoadPlan(_files, loadedBefore, standing, supersededBefore);
    }

    protected override void EndProcessing()
    {
        try
        {
            Read();
            _tally.FilesAlreadyLoaded(_plan!.AlreadyLoaded);
            if (_anyToWrite)
            {
                Map();
            }

            CommunityDocumentBatch batch = Convert();
            HashSet<DateTime> declined = Write(batch);
            _plan.Settle(batch, declined);
            RecordLedger(declined.Count > 0 && declined.Count == batch.Documents.Select(d => d.Period).Distinct().Count());
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            _progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(_progress);

            // Gives the backfill lease back, also when the run failed or was stopped.
            _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        BackfillSummary summary = _tally.Summarise(RunId, Database.Description, _writer?.RoundTrips ?? 0, _clock.Elapsed);
        if (summary.MonthsWritten > 0)
        {
            WriteVerbose($"Run {RunId}: undo it with Restore-TrustMetrics -RunId {RunId}");
        }

        WriteObject(summary);
    }

    /// <summary>
    /// The ledger rows written outside the months' transactions, in one statement; none under -WhatIf, and none
    /// when every month was declined (so a declined run leaves the database as it was).
    /// </summary>
    private void RecordLedger(bool allDeclined)
    {
        IReadOnlyList<LoadEntry> entries = _plan!.Entries;
        if (entries.Count == 0 || allDeclined
            || !ShouldProcess(string.Create(CultureInfo.InvariantCulture, $"{entries.Count} file(s) on {Database.Description}"), "Record in the load ledger (community_loads)"))
        {
            return;
        }

        AskDatabase(async () =>
        {
            await LoadLedger.RecordAsync(Database, RunId, DataType, Column, entries, CancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>A read or write of the ledger; a database that cannot be reached stops the run, as in the mapping.</summary>
    private T AskDatabase<T>(Func<Task<T>> ask)
    {
        try
        {
            return ask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(new DatabaseUnavailableException(Database.Redact(e.Message), e));
            throw;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "NCS01" or "NCS02" or "NCS03")
        {
            ThrowTerminatingError(DatabaseError(new InvalidOperationException($"{Database.Description}: {e.MessageText}; nothing was recorded.", e), "LedgerSchema", ErrorCategory.ObjectNotFound, Database.Description));
            throw;
        }
        catch (Npgsql.NpgsqlException e)
        {
            ThrowTerminatingError(DatabaseError(new InvalidOperationException($"The load ledger on {Database.Description} could not be read or written: {Database.Redact(e.Message)}", e), "LedgerFailed", ErrorCategory.ReadError, Database.Description));
            throw;
        }
    }

    private void Map()
    {
        Progress("Mapping providers to trust_metrics", -1);
        IReadOnlyList<TrustMappingEntry> entries;
        try
        {
            entries = _mapper.MapAsync(PostgresTrustDirectory.From(Database), CancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(new DatabaseUnavailableException(Database.Redact(e.Message), e));
            return;
        }
        catch (DatabaseTimeoutException e)
        {
            ThrowTerminatingError(TimeoutError(e, Database.Description));
            return;
        }

        _tally.Mapped(entries);
        Describe(entries, TrustMappingStatus.NhsTrustNotInDatabase, "NHS trust(s) in the workbooks have no rows in trust_metrics (reported as NotInDatabase unless -AddMissingRows)");
        Describe(entries, TrustMappingStatus.NonNhsProvider, "provider(s) are not NHS trusts and are left out");
        Describe(entries, TrustMappingStatus.InDatabaseNotInWorkbooks, "trust(s) in trust_metrics are in none of the workbooks");
        foreach (TrustMappingEntry renamed in entries.Where(e => e.NameDiffers))
        {
            WriteVerbose($"{renamed.TrustCode}: names differ ({renamed.NameDifference}); the code decides, names are not changed.");
        }
    }

    private CommunityDocumentBatch Convert()
    {
        Progress("Building documents", -1);
        CommunityDocumentBatch batch = _builder.Build(CancellationToken);
        foreach (string line in batch.SupersededEditions)
        {
            WriteWarning(line);
        }

        foreach (DocumentProblem problem in batch.Problems)
        {
            _tally.Problem(problem.Message);
            WriteError(new ErrorRecord(
                new InvalidDataException(problem.Message),
                ErrorIdPrefix + problem.Kind,
                ErrorCategory.InvalidData,
                problem.TrustCode is null ? problem.Period : $"{problem.TrustCode} {problem.Period:yyyy-MM}"));
        }

        return batch;
    }

    [SuppressMessage("Design", "CA1031", Justification = "Each month's failure is reported and the run goes on.")]
    private HashSet<DateTime> Write(CommunityDocumentBatch batch)
    {
        var months = batch.Documents.GroupBy(d => d.Period).OrderBy(g => g.Key).ToList();
        var declined = new HashSet<DateTime>();

        // Ask first, so that under -WhatIf (or all answers no) nothing at all touches the database.
        var approved = new List<IGrouping<Month, CommunityDocument>>();
        foreach (var month in months)
        {
            string target = string.Create(CultureInfo.InvariantCulture, $"{month.Key:yyyy-MM} ({month.Count()} trust(s)) on {Database.Description}");
            if (ShouldProcess(target, $"Write {Column} of trust_metrics ({DataType})"))
            {
                approved.Add(month);
            }
            else
            {
                _tally.MonthSkipped();
                declined.Add(month.Key.ToDateTime());
            }
        }

        if (approved.Count == 0)
        {
            return declined;
        }

        // Held in a field so EndProcessing releases the lease whatever happens from here on.
        var writer = _writer = CreateWriter();

        BackfillLockedException? locked = Prepare(writer);
        int index = 0;
        foreach (var month in approved)
        {
            index++;
            Progress(string.Create(CultureInfo.InvariantCulture, $"Writing {month.Key:yyyy-MM}: {month.Count()} trust(s) ({index} of {approved.Count})"), (index - 1) * 100 / approved.Count);
            if (locked is not null)
            {
                _tally.MonthFailed(month.Key, month.Count(), locked.Message);
                _plan!.MonthFailed(month, locked.Message);
                continue;
            }

            MonthWriteOutcome outcome = writer.WriteMonthAsync(month.Key, month.ToList(), _plan!.SourceOf(month), CancellationToken).GetAwaiter().GetResult();
            _tally.MonthWritten(outcome);
            if (outcome.Failure is not null)
            {
                _plan.MonthFailed(month, outcome.Failure.Message);
            }
            else if (outcome.RoundTrips == 0)
            {
                // Every document was rejected before the month was sent: nothing of it was written.
                _plan.MonthFailed(month, "every document of the month was rejected (see the errors)");
            }

            WriteVerbose(string.Format(CultureInfo.InvariantCulture,
                "{0:yyyy-MM}: {1} updated, {2} unchanged, {3} inserted, {4} not in database, {5} failed; {6} round trip(s), {7} attempt(s)",
                month.Key, outcome.Count(TrustMetricsWriteStatus.Updated), outcome.Count(TrustMetricsWriteStatus.Unchanged),
                outcome.Count(TrustMetricsWriteStatus.Inserted), outcome.Count(TrustMetricsWriteStatus.NotInDatabase),
                outcome.Count(TrustMetricsWriteStatus.Failed), outcome.RoundTrips, outcome.Attempts));
            ReportRejected(outcome);
            if (outcome.Failure is DatabaseTimeoutException timedOut)
            {
                WriteError(TimeoutError(timedOut, month.Key));
            }
            else if (outcome.Failure is BackfillLockedException busy)
            {
                locked = busy;
                WriteError(DatabaseError(busy, "BackfillLocked", ErrorCategory.ResourceBusy, month.Key));
            }
            else if (outcome.Failure is not null)
            {
                WriteError(DatabaseError(outcome.Failure, "MonthFailed", ErrorCategory.WriteError, month.Key));
            }
        }

        return declined;
    }

    private void Describe(IReadOnlyList<TrustMappingEntry> entries, TrustMappingStatus status, string what)
    {
        var codes = entries.Where(e => e.Status == status).Select(e => e.TrustCode).ToList();
        if (codes.Count > 0)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"{codes.Count} {what}: {string.Join(", ", codes)}."));
        }
    }

    private void Progress(string status, int percent)
    {
        _progress.StatusDescription = status;
        _progress.PercentComplete = percent;
        WriteProgress(_progress);
    }
}
