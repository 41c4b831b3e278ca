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
    [ValidateNotNullOrEmpty]
    [Alias("Icb")]
    public string[]? IcbCode { get; set; }

    /// <summary>Exact months to include (any day of the month).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public DateTime[]? Period { get; set; }

    // Boxed: a Nullable<core enum> field would make the runtime load NhsCommunity.Core while PowerShell
    // lists the module's types, before the module initialiser can point it at Dependencies/.
    private object? _category;

    /// <summary>Adult or CYP services only.</summary>
    [Parameter]
    public ServiceCategory? Category { get => (ServiceCategory?)_category; set => _category = value; }

    /// <summary>Service keys (audiology, ltc_diabetes, ...); tab completes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServiceKeyCompleter))]
    [Alias("ServiceKey")]
    public string[]? Service { get; set; }

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

    protected override void ProcessRecord()
    {
        base.ProcessRecord();
        if (IcbCode is not null)
        {
            _icbCodes.AddRange(IcbCode.Where(c => !string.IsNullOrWhiteSpace(c)));
        }
    }

    protected override void EndProcessing()
    {
        WarnAboutUnknownServices();
        var query = new WaitingListQuery
        {
            Scope = CreateScope(),
            IcbCodes = _icbCodes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            Periods = Period ?? [],
            Category = Category,
            Services = Service ?? [],
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
        foreach (string key in Service ?? [])
        {
            if (!ServiceCatalogue.Keys.Contains(key, StringComparer.Ordinal))
            {
                WriteWarning($"'{key}' is not a service key of the catalogue (keys are lower case, e.g. 'audiology'); rows are matched exactly, so it may match nothing.");
            }
        }
    }
}
