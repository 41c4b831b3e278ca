using System.Management.Automation;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Coverage;
using NhsCommunity.Ledger;

namespace NhsCommunity.Commands;

/// <summary>
/// The versions of trust-months' documents kept in community_data_history: when each was valid, the run and
/// workbook edition it came from, and per service and band the old and new value (Changes). Oldest first.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CommunityHistory")]
[OutputType(typeof(HistoryVersion))]
public sealed class GetCommunityHistoryCommand : DatabaseCommandBase
{
    private readonly List<string> _trusts = [];
    private readonly List<DateTime> _periods = [];

    /// <summary>Trust codes (case-insensitive); bound by property name from the module's outputs.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Trust", "OrganisationCode")]
    [ArgumentCompleter(typeof(TrustCodeCompleter))]
    public string[] TrustCode { get; set; } = [];

    /// <summary>Months: 2025-07 (an ISO date of any day of it also works); every month with history when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime[]? Period { get; set; }

    /// <summary>trust_metrics.data_type of the rows.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DataType { get; set; } = CoverageScope.DefaultDataType;

    /// <summary>The JSONB column holding the documents.</summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Column { get; set; } = CoverageScope.DefaultColumn;

    protected override void ProcessRecord()
    {
        _trusts.AddRange(TrustCode.Where(c => !string.IsNullOrWhiteSpace(c)));
        _periods.AddRange(Period ?? []);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<HistoryVersion> versions = ReadDatabase(() => CommunityHistory.ReadAsync(
            Database, _trusts.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), _periods.Distinct().ToList(), DataType, Column, CancellationToken).GetAwaiter().GetResult());
        foreach (HistoryVersion version in versions)
        {
            WriteObject(version);
        }
    }
}
