using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Queries;

namespace NhsCommunity.Commands;

/// <summary>
/// Flat, typed waiting list rows read from community_data in SQL (one per trust, month and service), every
/// filter applied in the database and rows written as they arrive; with -GroupBy, sums per group.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CommunityWaitingList", DefaultParameterSetName = RowsParameterSet)]
[OutputType(typeof(WaitingListRow), ParameterSetName = [RowsParameterSet])]
[OutputType(typeof(WaitingListSummary), ParameterSetName = [GroupParameterSet])]
public sealed class GetCommunityWaitingListCommand : CoverageCommandBase
{
    private const string RowsParameterSet = "Rows";
    private const string GroupParameterSet = "Group";

    /// <summary>ICB codes to include (case-insensitive).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [Alias("Icb")]
    public string[]? IcbCode { get; set; }

    /// <summary>Exact months to include: 2025-07 (an ISO date of any day of it also works); tab completes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime[]? Period { get; set; }

    /// <summary>Adult or CYP services only.</summary>
    /// <remarks>
    /// A string, not the core's enum: a nullable enum field is a value type PowerShell must lay out when it
    /// scans the module's types, before the module can load the core into its own load context.
    /// </remarks>
    [Parameter]
    [ValidateSet(nameof(ServiceCategory.Adult), nameof(ServiceCategory.CYP), IgnoreCase = true)]
    public string? Category { get; set; }

    /// <summary>Service keys (audiology, ltc_diabetes, ...); tab completes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(ServiceKeyCompleter))]
    [Alias("Service")]
    public string[]? ServiceKey { get; set; }

    /// <summary>Only services with at least this many waiting in total.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? MinTotalWaiting { get; set; }

    /// <summary>Only services with at least this many waiting over 52 weeks.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? Min52PlusWeeks { get; set; }

    /// <summary>Sum the rows per ICB, trust, month, category or service (several may be combined).</summary>
    [Parameter(Mandatory = true, ParameterSetName = GroupParameterSet)]
    [ValidateNotNullOrEmpty]
    public WaitingListGrouping[] GroupBy { get; set; } = [];

    private readonly List<string> _icbCodes = [];
    private readonly List<DateTime> _periods = [];
    private readonly List<string> _serviceKeys = [];

    protected override void ProcessRecord()
    {
        // Filters bound by property name gather over the pipeline; blanks (a summary's unset grouping) add none.
        base.ProcessRecord();
        _icbCodes.AddRange((IcbCode ?? []).Where(c => !string.IsNullOrWhiteSpace(c)));
        _periods.AddRange(Period ?? []);
        _serviceKeys.AddRange((ServiceKey ?? []).Where(k => !string.IsNullOrWhiteSpace(k)));
    }

    protected override void EndProcessing()
    {
        WarnAboutUnknownServices();
        var query = new WaitingListQuery
        {
            Scope = CreateScope(),
            IcbCodes = _icbCodes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            Periods = _periods.Distinct().ToArray(),
            Category = Category is null ? null : Enum.Parse<ServiceCategory>(Category, ignoreCase: true),
            Services = _serviceKeys.Distinct(StringComparer.Ordinal).ToArray(),
            MinTotalWaiting = MinTotalWaiting,
            Min52PlusWeeks = Min52PlusWeeks,
            GroupBy = GroupBy,
        };

        long count = ReadDatabase(() => GroupBy.Length == 0
            ? Stream(WaitingListReader.Read(Database, query, CancellationToken))
            : Stream(WaitingListReader.ReadGrouped(Database, query, CancellationToken)));
        WriteVerbose($"{count} {(GroupBy.Length == 0 ? "rows" : "groups")} from {Database.Description}.");
    }

    /// <summary>Writes each object as the reader yields it (the database streams; nothing is buffered here).</summary>
    private long Stream<T>(IEnumerable<T> rows)
    {
        long count = 0;
        foreach (T row in rows)
        {
            WriteObject(row);
            count++;
        }

        return count;
    }

    private void WarnAboutUnknownServices()
    {
        foreach (string key in _serviceKeys.Distinct(StringComparer.Ordinal))
        {
            if (!ServiceCatalogue.Keys.Contains(key, StringComparer.Ordinal))
            {
                WriteWarning($"'{key}' is not a service key of the catalogue (keys are lower case, e.g. 'audiology'); rows are matched exactly, so it may match nothing.");
            }
        }
    }
}
