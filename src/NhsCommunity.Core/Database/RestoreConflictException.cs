using System.Globalization;
using System.Text;

namespace NhsCommunity.Database;

/// <summary>
/// A restore refused because later runs changed some of the same rows: putting back the run's previous values
/// would silently undo their work. Nothing was restored; restore the later runs first, or force it.
/// </summary>
public sealed class RestoreConflictException : InvalidOperationException
{
    private const int RowsNamed = 10;

    public RestoreConflictException(Guid runId, string database, IReadOnlyList<LaterRun> laterRuns)
        : base(Compose(runId, database, laterRuns))
    {
        RunId = runId;
        LaterRuns = laterRuns;
    }

    public Guid RunId { get; }

    /// <summary>The later runs, oldest first, each with the rows it changed.</summary>
    public IReadOnlyList<LaterRun> LaterRuns { get; }

    private static string Compose(Guid runId, string database, IReadOnlyList<LaterRun> laterRuns)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Run {runId} was not restored on {database}: later run(s) changed some of the same rows since, and putting back the values run {runId} overwrote would throw theirs away. "));
        foreach (LaterRun later in laterRuns)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"Run {later.RunId} (saved {later.SavedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC) changed {later.Rows.Count} of its row(s): "));
            text.AppendJoin(", ", later.Rows.Take(RowsNamed));
            text.Append(later.Rows.Count > RowsNamed ? string.Create(CultureInfo.InvariantCulture, $" and {later.Rows.Count - RowsNamed} more. ") : ". ");
        }

        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"Nothing was restored. Restore the later run(s) first, newest first (Restore-TrustMetrics -RunId {laterRuns[^1].RunId}), then this one; or give -Force to put back run {runId}'s previous values anyway."));
        return text.ToString();
    }
}
