using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Management.Automation;
using NhsCommunity.Backfill;
using NhsCommunity.Database;
using NhsCommunity.Documents;
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
    private TrustMetricsWriter? _writer;

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
        foreach (string file in files)
        {
            Progress($"Reading {System.IO.Path.GetFileName(file)}", -1);
            WorkbookContent content;
            try
            {
                content = _importer.Read(file, CancellationToken);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (WorkbookFormatException e)
            {
                _tally.FileFailed(file, e.Message);
                WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, file));
                continue;
            }

            _tally.FileRead();
            _tally.MonthFound(content.Period);
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Read '{file}': {content.Period:yyyy-MM}, {content.Records.Count} records."));
            foreach (CommunityRecord record in content.Records)
            {
                _mapper.Add(record);
                _builder.Add(record);
            }
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            Map();
            CommunityDocumentBatch batch = Convert();
            Write(batch);
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
    private void Write(CommunityDocumentBatch batch)
    {
        var months = batch.Documents.GroupBy(d => d.Period).OrderBy(g => g.Key).ToList();

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
            }
        }

        if (approved.Count == 0)
        {
            return;
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
                continue;
            }

            MonthWriteOutcome outcome = writer.WriteMonthAsync(month.Key, month.ToList(), CancellationToken).GetAwaiter().GetResult();
            _tally.MonthWritten(outcome);
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
