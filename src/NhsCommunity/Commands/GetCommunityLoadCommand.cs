using System.Management.Automation;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Ledger;

namespace NhsCommunity.Commands;

/// <summary>
/// The load ledger (community_loads): one row per workbook per backfill run, with its hash, month, edition,
/// outcome and counts, oldest first. Filters combine: -Period, -RunId (also by property name, so a backfill's
/// summary pipes in), -Last N runs, -Failed.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CommunityLoad")]
[OutputType(typeof(LoadRecord))]
public sealed class GetCommunityLoadCommand : DatabaseCommandBase
{
    private readonly List<DateTime> _periods = [];
    private readonly List<Guid> _runs = [];

    /// <summary>Months to include: 2025-07 (an ISO date of any day of it also works); tab completes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime[]? Period { get; set; }

    /// <summary>Runs to include; bound by property name from Invoke-CommunityBackfill's summary.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public Guid[]? RunId { get; set; }

    /// <summary>Only the rows of the last N runs.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    /// <summary>Only Failed rows.</summary>
    [Parameter]
    public SwitchParameter Failed { get; set; }

    protected override void ProcessRecord()
    {
        _periods.AddRange(Period ?? []);
        _runs.AddRange(RunId ?? []);
    }

    protected override void EndProcessing()
    {
        var query = new LoadQuery { Periods = _periods.Distinct().ToList(), RunIds = _runs.Distinct().ToList(), LastRuns = Last, FailedOnly = Failed };
        IReadOnlyList<LoadRecord> rows = ReadDatabase(() => LoadLedger.ReadAsync(Database, query, CancellationToken).GetAwaiter().GetResult());
        foreach (LoadRecord row in rows)
        {
            WriteObject(row);
        }
    }
}
