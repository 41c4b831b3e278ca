using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Management.Automation;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Database;
using NhsCommunity.Documents;

namespace NhsCommunity.Commands;

/// <summary>
/// Writes community_data documents (ConvertTo-CommunityJsonb output) into trust_metrics: collected
/// from the pipeline, then written month by month in EndProcessing, each month in one round trip and
/// one transaction, with ShouldProcess per month. One result per document.
/// </summary>
[Cmdlet(VerbsData.Update, "TrustMetrics", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TrustMetricsWriteResult))]
public sealed class UpdateTrustMetricsCommand : TrustMetricsWriteCommandBase
{
    private const int ProgressActivityId = 4100;

    // Keyed by text, not by DateTime or a tuple: generic collections over value types are compiled on first use in every new pwsh.
    private readonly Dictionary<string, MonthDocuments> _months = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The trust's three-character code (bound from ConvertTo-CommunityJsonb output).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("OrganisationCode", "Code")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TrustCodeCompleter))]
    public string TrustCode { get; set; } = "";

    /// <summary>The month: 2025-07, or any day of it (rows are keyed by its first day).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime Period { get; set; }

    /// <summary>The community_data document as JSON text.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Document", "CommunityData")]
    [ValidateNotNullOrEmpty]
    public string Json { get; set; } = "";

    /// <summary>The trust's name, used only by -AddMissingRows for rows it inserts.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("OrganisationName")]
    [AllowEmptyString]
    public string TrustName { get; set; } = "";

    protected override void BeginProcessing()
    {
        ValidateColumn();

        // Resolve now so a bad connection setting stops the command before any input is read.
        _ = Database;

        // Connect while the input is still being read (on another thread), so the write does not wait for it.
        if (!WhatIfRequested())
        {
            Database.StartOpening(CancellationToken);
        }
    }

    private bool WhatIfRequested() =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) && whatIf is SwitchParameter { IsPresent: true })
        || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    protected override void ProcessRecord()
    {
        DateTime month = new(Period.Year, Period.Month, 1);
        string monthKey = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (!_seen.Add(TrustCode + " " + monthKey))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"A second document for trust {TrustCode} in {month:yyyy-MM} was given; only the first is written. Check the input for duplicate workbooks of the same month."),
                ErrorIdPrefix + "DuplicateDocument", ErrorCategory.InvalidData, TrustCode));
            return;
        }

        if (!_months.TryGetValue(monthKey, out MonthDocuments? documents))
        {
            documents = new MonthDocuments(month);
            _months.Add(monthKey, documents);
        }

        documents.Documents.Add(new CommunityDocument { TrustCode = TrustCode, TrustName = TrustName ?? "", Period = Month.Of(month), Json = Json });
    }

    [SuppressMessage("Design", "CA1031", Justification = "Each month's failure is reported and the run goes on.")]
    protected override void EndProcessing()
    {
        TrustMetricsWriter? writer = null;
        BackfillLockedException? locked = null;
        var progress = new ProgressRecord(ProgressActivityId, $"Writing {Column} to {Database.Description}", "Starting");
        try
        {
            int index = 0;
            var months = new List<MonthDocuments>(_months.Values);
            months.Sort((a, b) => a.Month.CompareTo(b.Month));
            foreach (MonthDocuments entry in months)
            {
                DateTime month = entry.Month;
                List<CommunityDocument> documents = entry.Documents;
                index++;
                progress.StatusDescription = $"{month:yyyy-MM}: {documents.Count} trust(s) ({index} of {_months.Count})";
                progress.PercentComplete = (index - 1) * 100 / _months.Count;
                WriteProgress(progress);

                string target = $"{month:yyyy-MM} ({documents.Count} trust(s)) on {Database.Description}";
                if (!ShouldProcess(target, $"Write {Column} of trust_metrics ({DataType})"))
                {
                    continue;
                }

                if (locked is not null)
                {
                    // Another backfill holds the lease (or took it over): the remaining months must not be written.
                    Report(month, documents, locked.Message);
                    continue;
                }

                if (writer is null)
                {
                    writer = CreateWriter();
                    locked = Prepare(writer);
                    if (locked is not null)
                    {
                        Report(month, documents, locked.Message);
                        continue;
                    }
                }

                MonthWriteOutcome outcome;
                try
                {
                    outcome = writer.WriteMonthAsync(month, documents, CancellationToken).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (Stopping)
                {
                    // Ctrl+C: the month in flight is rolled back by the server; the pipeline stops.
                    throw new PipelineStoppedException();
                }

                foreach (TrustMetricsWriteResult result in outcome.Results)
                {
                    WriteObject(result);
                }

                WriteVerbose(string.Format(CultureInfo.InvariantCulture,
                    "{0:yyyy-MM}: {1} updated, {2} unchanged, {3} inserted, {4} not in database, {5} failed; {6} round trip(s), {7} attempt(s), {8:0} ms",
                    month, outcome.Count(TrustMetricsWriteStatus.Updated), outcome.Count(TrustMetricsWriteStatus.Unchanged),
                    outcome.Count(TrustMetricsWriteStatus.Inserted), outcome.Count(TrustMetricsWriteStatus.NotInDatabase),
                    outcome.Count(TrustMetricsWriteStatus.Failed), outcome.RoundTrips, outcome.Attempts, outcome.Elapsed.TotalMilliseconds));
                ReportRejected(outcome);

                if (outcome.Failure is DatabaseTimeoutException timedOut)
                {
                    WriteError(TimeoutError(timedOut, $"{month:yyyy-MM}"));
                }
                else if (outcome.Failure is BackfillLockedException busy)
                {
                    locked = busy;
                    WriteError(DatabaseError(busy, "BackfillLocked", ErrorCategory.ResourceBusy, $"{month:yyyy-MM}"));
                }
                else if (outcome.Failure is not null)
                {
                    WriteError(DatabaseError(outcome.Failure, "MonthFailed", ErrorCategory.WriteError, $"{month:yyyy-MM}"));
                }
            }

        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);

            // Gives the backfill lease back, also when the run failed or was stopped.
            writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (writer is not null)
        {
            WriteVerbose($"Run {RunId}: {writer.RoundTrips} round trip(s) in all (start-up and lease, one a month, release). Undo it with: Restore-TrustMetrics -RunId {RunId}");
        }
    }

    /// <summary>The documents of one month, in the order they came.</summary>
    private sealed class MonthDocuments(DateTime month)
    {
        public DateTime Month { get; } = month;

        public List<CommunityDocument> Documents { get; } = [];
    }

    private void Report(DateTime month, List<CommunityDocument> documents, string reason)
    {
        foreach (CommunityDocument document in documents)
        {
            WriteObject(new TrustMetricsWriteResult(document.TrustCode, Month.Of(month), TrustMetricsWriteStatus.Failed, reason, RunId));
        }
    }
}
