using System.Globalization;
using NhsCommunity.Documents;

namespace NhsCommunity.Ledger;

/// <summary>
/// What one folder run does with each workbook, for the ledger: hashed first; skipped as AlreadyLoaded when its
/// bytes were loaded before (never opened); otherwise read, and then Superseded when it is older than the edition
/// loaded for its month before (not written), or else the edition its month is written from (its row goes in the
/// month's transaction), Superseded by a later edition in the same run, or Failed. Collects the rows that are
/// written outside a month's transaction.
/// </summary>
public sealed class LoadPlan
{
    private readonly List<LoadFile> _toRead = [];
    private readonly Dictionary<string, LoadFile> _read = new(StringComparer.Ordinal);
    private readonly List<LoadEntry> _entries = [];
    private readonly IReadOnlyDictionary<DateTime, PreviousLoad> _standing;

    // Read files whose row is already among the entries (their month failed).
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);

    /// <summary>
    /// Splits <paramref name="files"/> into those to read and those already loaded (<paramref name="loadedBefore"/>,
    /// by hash), which become AlreadyLoaded rows with the month and edition of their earlier load. With the editions
    /// standing in the database (<see cref="LoadLedger.StandingEditionsAsync"/>, by month), files read later are
    /// checked against them (<see cref="Read"/>), and bytes found older before (<paramref name="supersededBefore"/>,
    /// by hash) that are still older are Superseded again without being opened. Neither is given under -Force.
    /// </summary>
    public LoadPlan(
        IEnumerable<LoadFile> files,
        IReadOnlyDictionary<string, PreviousLoad> loadedBefore,
        IReadOnlyDictionary<DateTime, PreviousLoad>? standing = null,
        IReadOnlyDictionary<string, PreviousLoad>? supersededBefore = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(loadedBefore);
        _standing = standing ?? new Dictionary<DateTime, PreviousLoad>();
        foreach (LoadFile file in files)
        {
            if (loadedBefore.TryGetValue(file.Sha256, out PreviousLoad? before))
            {
                _entries.Add(new LoadEntry(
                    file with { Period = before.Period, Published = before.Published },
                    LoadOutcome.AlreadyLoaded,
                    string.Create(CultureInfo.InvariantCulture, $"the same bytes were loaded as '{before.FileName}' by run {before.RunId} at {before.LoadedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC; -Force reads it again")));
            }
            else if (supersededBefore is not null && supersededBefore.TryGetValue(file.Sha256, out PreviousLoad? older)
                && OlderThanStanding(older.Period!.Value, older.Published!.Value) is { } reason)
            {
                _entries.Add(new LoadEntry(file with { Period = older.Period, Published = older.Published }, LoadOutcome.Superseded, reason + " (the same bytes were read before: not opened)"));
            }
            else
            {
                _toRead.Add(file);
            }
        }
    }

    /// <summary>The workbooks to open, in the order given.</summary>
    public IReadOnlyList<LoadFile> ToRead => _toRead;

    /// <summary>How many workbooks were skipped without being opened.</summary>
    public int AlreadyLoaded => _entries.Count(e => e.Outcome == LoadOutcome.AlreadyLoaded);

    /// <summary>The rows for the short ledger statement at the end of the run (AlreadyLoaded, Superseded, Failed).</summary>
    public IReadOnlyList<LoadEntry> Entries => _entries;

    /// <summary>
    /// A file was read: its month and edition. An edition published before the one its month was loaded from in an
    /// earlier run is Superseded (returned, so its reason can be shown) and must not be written; otherwise null.
    /// </summary>
    public LoadEntry? Read(LoadFile file, DateTime period, DateTime? published)
    {
        ArgumentNullException.ThrowIfNull(file);
        var month = new DateTime(period.Year, period.Month, 1);
        LoadFile read = file with { Period = month, Published = published?.Date };
        if (read.Published is { } date && OlderThanStanding(month, date) is { } reason)
        {
            var superseded = new LoadEntry(read, LoadOutcome.Superseded, reason);
            _entries.Add(superseded);
            return superseded;
        }

        _read[file.Path] = read;
        return null;
    }

    /// <summary>Why an edition of <paramref name="month"/> published on <paramref name="published"/> is not written, or null when it is not older than the one standing.</summary>
    private string? OlderThanStanding(DateTime month, DateTime published) =>
        _standing.TryGetValue(month, out PreviousLoad? standing) && standing.Published is { } later && published < later
            ? string.Create(CultureInfo.InvariantCulture,
                $"{month:yyyy-MM} was loaded from the later edition '{standing.FileName}' (published {later:yyyy-MM-dd}) by run {standing.RunId} at {standing.LoadedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC; this edition (published {published:yyyy-MM-dd}) is older and was not written; -Force writes it over the later one")
            : null;

    public void Failed(LoadFile file, string reason)
    {
        ArgumentNullException.ThrowIfNull(file);
        _entries.Add(new LoadEntry(file, LoadOutcome.Failed, reason));
    }

    /// <summary>The workbook a month's documents were built from (the edition that won), if it was read in this run.</summary>
    public LoadFile? SourceOf(IEnumerable<CommunityDocument> month)
    {
        ArgumentNullException.ThrowIfNull(month);
        CommunityDocument? first = month.FirstOrDefault();
        return first is null ? null : Winner(first.Period.ToDateTime(), first.SourceFile);
    }

    /// <summary>
    /// Documents name their workbook by file name only: the read file of that month with that name (were two
    /// folders to hold one name, the one the builder prefers: latest publication, then path).
    /// </summary>
    private LoadFile? Winner(DateTime month, string fileName) => _read.Values
        .Where(f => f.Period == month && string.Equals(f.FileName, fileName, StringComparison.Ordinal))
        .OrderByDescending(f => f.Published ?? DateTime.MinValue)
        .ThenBy(f => f.Path, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>The month could not be written: its edition gets a Failed row (the others stay Superseded).</summary>
    public void MonthFailed(IEnumerable<CommunityDocument> month, string reason)
    {
        if (SourceOf(month) is { } file)
        {
            _entries.Add(new LoadEntry(file, LoadOutcome.Failed, reason));
            _settled.Add(file.Path);
        }
    }

    /// <summary>
    /// After the months are written: every workbook read whose month was written from another edition is
    /// Superseded; one whose month had no document to write is Failed when the month was left out (e.g. two
    /// editions with the same date) and Unchanged with no counts otherwise (no NHS trust in it).
    /// </summary>
    public void Settle(CommunityDocumentBatch batch, IReadOnlySet<DateTime> declined)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(declined);
        var chosen = batch.Documents.GroupBy(d => d.Period.ToDateTime()).ToDictionary(g => g.Key, g => Winner(g.Key, g.First().SourceFile));
        foreach (LoadFile file in _read.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            DateTime month = file.Period!.Value;
            if (declined.Contains(month) || _settled.Contains(file.Path))
            {
                continue;
            }

            if (chosen.TryGetValue(month, out LoadFile? winner))
            {
                if (winner is null)
                {
                    _entries.Add(new LoadEntry(file, LoadOutcome.Superseded, $"{month:yyyy-MM} was written from another edition"));
                }
                else if (!string.Equals(winner.Path, file.Path, StringComparison.Ordinal))
                {
                    string by = winner.Published is { } p
                        ? string.Create(CultureInfo.InvariantCulture, $"'{winner.FileName}' (published {p:yyyy-MM-dd})")
                        : $"'{winner.FileName}'";
                    _entries.Add(new LoadEntry(file, LoadOutcome.Superseded, $"{month:yyyy-MM} was loaded from the later edition {by}"));
                }

                continue;
            }

            string? problem = batch.Problems.FirstOrDefault(p => p.TrustCode is null && p.Period.Year == month.Year && p.Period.Month == month.Month)?.Message;
            _entries.Add(problem is null
                ? new LoadEntry(file, LoadOutcome.Unchanged, "no NHS trust's document in it")
                : new LoadEntry(file, LoadOutcome.Failed, problem));
        }
    }
}
