using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Mapping;

namespace NhsCommunity.Backfill;

/// <summary>Counts what a backfill run does as it goes, and makes the <see cref="BackfillSummary"/> at the end.</summary>
public sealed class BackfillTally
{
    private readonly SortedSet<DateTime> _months = [];
    private readonly List<string> _failures = [];
    private readonly Dictionary<TrustMetricsWriteStatus, int> _statuses = [];
    private int _filesRead;
    private int _filesFailed;
    private int _filesAlreadyLoaded;
    private int _monthsWritten;
    private int _monthsFailed;
    private int _monthsSkipped;
    private int _nonNhs;
    private int _notInWorkbooks;

    public void FileRead() => _filesRead++;

    public void FileFailed(string file, string reason)
    {
        _filesFailed++;
        _failures.Add($"{Path.GetFileName(file)}: {reason}");
    }

    /// <summary>Files skipped unread because the ledger has their bytes loaded already.</summary>
    public void FilesAlreadyLoaded(int count) => _filesAlreadyLoaded += count;

    public void MonthFound(DateTime month) => _months.Add(month);

    public void MonthSkipped() => _monthsSkipped++;

    public void Mapped(IEnumerable<TrustMappingEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (TrustMappingEntry entry in entries)
        {
            if (entry.Status == TrustMappingStatus.NonNhsProvider)
            {
                _nonNhs++;
            }
            else if (entry.Status == TrustMappingStatus.InDatabaseNotInWorkbooks)
            {
                _notInWorkbooks++;
            }
        }
    }

    public void Problem(string description) => _failures.Add(description);

    public void MonthWritten(MonthWriteOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (TrustMetricsWriteResult result in outcome.Results)
        {
            _statuses[result.Status] = _statuses.GetValueOrDefault(result.Status) + 1;
            if (result.Status == TrustMetricsWriteStatus.Rejected)
            {
                // A failure of its own, so the run does not report success (ExitCode 1) while a trust is left out.
                _failures.Add($"{result.TrustCode} {result.Period.ToString("yyyy-MM", CultureInfo.InvariantCulture)}: {result.Reason}");
            }
        }

        if (outcome.Succeeded)
        {
            _monthsWritten++;
        }
        else
        {
            _monthsFailed++;
            _failures.Add($"{outcome.Period.ToString("yyyy-MM", CultureInfo.InvariantCulture)}: {outcome.Failure!.Message}");
        }
    }

    /// <summary>A month that could not even be tried (another backfill holds the lock): all its documents failed.</summary>
    public void MonthFailed(DateTime month, int documents, string reason)
    {
        _monthsFailed++;
        _statuses[TrustMetricsWriteStatus.Failed] = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Failed) + documents;
        _failures.Add($"{month.ToString("yyyy-MM", CultureInfo.InvariantCulture)}: {reason}");
    }

    public BackfillSummary Summarise(Guid runId, string database, int roundTrips, TimeSpan duration) => new()
    {
        RunId = runId,
        Database = database,
        FilesRead = _filesRead,
        FilesFailed = _filesFailed,
        FilesAlreadyLoaded = _filesAlreadyLoaded,
        Periods = string.Join(';', _months.Select(m => m.ToString("yyyy-MM", CultureInfo.InvariantCulture))),
        MonthsWritten = _monthsWritten,
        MonthsFailed = _monthsFailed,
        MonthsSkipped = _monthsSkipped,
        TrustsUpdated = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Updated),
        TrustsUnchanged = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Unchanged),
        TrustsInserted = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Inserted),
        TrustsNotInDatabase = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.NotInDatabase),
        TrustsFailed = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Failed),
        TrustsRejected = _statuses.GetValueOrDefault(TrustMetricsWriteStatus.Rejected),
        NonNhsProviders = _nonNhs,
        TrustsNotInWorkbooks = _notInWorkbooks,
        RoundTrips = roundTrips,
        Duration = duration,
        Failures = _failures.ToArray(),
    };
}
