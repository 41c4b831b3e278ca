namespace NhsCommunity.Backfill;

/// <summary>
/// What one Invoke-CommunityBackfill run did, in one flat object for a scheduled task's log: one pipe
/// away from Export-Csv or ConvertTo-Json, and an <see cref="ExitCode"/> for the script to return.
/// </summary>
public sealed class BackfillSummary
{
    public required Guid RunId { get; init; }

    /// <summary>Nothing failed: every file was read, every document built and every month written (or shown, under -WhatIf).</summary>
    public bool Succeeded => Failures.Count == 0;

    /// <summary>0 when the run succeeded, 1 when anything failed: <c>exit $summary.ExitCode</c>.</summary>
    public int ExitCode => Succeeded ? 0 : 1;

    /// <summary>The database as user@host:port/database (never the connection string).</summary>
    public string Database { get; init; } = "";

    public int FilesRead { get; init; }

    public int FilesFailed { get; init; }

    /// <summary>Files not read because the load ledger has their bytes (SHA-256) loaded into this database already.</summary>
    public int FilesAlreadyLoaded { get; init; }

    /// <summary>The months found in the workbooks, as "yyyy-MM" joined by ';'.</summary>
    public string Periods { get; init; } = "";

    public int MonthsWritten { get; init; }

    public int MonthsFailed { get; init; }

    /// <summary>Months not written because -WhatIf was given or -Confirm was answered no.</summary>
    public int MonthsSkipped { get; init; }

    public int TrustsUpdated { get; init; }

    public int TrustsUnchanged { get; init; }

    public int TrustsInserted { get; init; }

    /// <summary>Documents whose trust and month have no row in trust_metrics (reported, not inserted, without -AddMissingRows).</summary>
    public int TrustsNotInDatabase { get; init; }

    public int TrustsFailed { get; init; }

    /// <summary>Documents holding a value trust_metrics cannot store (see Failures for which and why); each makes the run fail.</summary>
    public int TrustsRejected { get; init; }

    /// <summary>Providers in the workbooks that are not NHS trusts, left out of the backfill (Get-TrustMapping lists them).</summary>
    public int NonNhsProviders { get; init; }

    /// <summary>Trusts in trust_metrics that no workbook reports.</summary>
    public int TrustsNotInWorkbooks { get; init; }

    /// <summary>Statements sent to the server for the writes (one per month, plus one to prepare).</summary>
    public int RoundTrips { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>One line per failure (file, month or document), in the order they happened.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}
