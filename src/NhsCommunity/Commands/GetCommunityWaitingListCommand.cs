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

    /// <summary>What each input object (or the command line alone) names; blanks (a summary's unset grouping) name nothing.</summary>
    private readonly List<(string[] Trusts, DateTime[] Periods, string[] Icbs, string[] Services)> _selections = [];

    protected override void ProcessRecord()
    {
        _selections.Add((Named(TrustCode), Period ?? [], Named(IcbCode), Named(ServiceKey)));
    }

    protected override void EndProcessing()
    {
        // Each filter narrows to the values named only where every input named some; with several inputs,
        // a row must also match one input whole (a trust with its month, not every month piped).
        TrustCodes.AddRange(Union(s => s.Trusts));
        string[] services = Union(s => s.Services);
        WarnAboutUnknownServices(services);
        var query = new WaitingListQuery
        {
            Scope = CreateScope(),
            IcbCodes = Union(s => s.Icbs),
            Periods = Union(s => s.Periods),
            Category = Category is null ? null : Enum.Parse<ServiceCategory>(Category, ignoreCase: true),
            Services = services,
            Selections = _selections.Count > 1 ? Selections() : [],
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

    private static string[] Named(string[]? values) => (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToArray();

    private T[] Union<T>(Func<(string[] Trusts, DateTime[] Periods, string[] Icbs, string[] Services), T[]> part) =>
        _selections.All(s => part(s).Length > 0) ? _selections.SelectMany(part).Distinct().ToArray() : [];

    /// <summary>Each input's names, one selection per combination (usually one trust, month and service each).</summary>
    private WaitingListSelection[] Selections() =>
        _selections.SelectMany(s =>
            from trust in OrAny(s.Trusts)
            from period in OrAny(s.Periods.Select(p => (DateTime?)p).ToArray())
            from icb in OrAny(s.Icbs)
            from service in OrAny(s.Services)
            select new WaitingListSelection(trust?.ToUpperInvariant(), period, icb?.ToUpperInvariant(), service))
        .Distinct()
        .ToArray();

    private static T?[] OrAny<T>(T[] values) => values.Length > 0 ? values.Select(v => (T?)v).ToArray() : [default];

    private void WarnAboutUnknownServices(string[] services)
    {
        foreach (string key in services)
        {
            if (!ServiceCatalogue.Keys.Contains(key, StringComparer.Ordinal))
            {
                WriteWarning($"'{key}' is not a service key of the catalogue (keys are lower case, e.g. 'audiology'); rows are matched exactly, so it may match nothing.");
            }
        }
    }
}
