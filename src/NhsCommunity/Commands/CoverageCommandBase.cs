using System.Management.Automation;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Ledger;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// What the commands that read community_data share: the rows in scope (-From, -To, -TrustCode,
/// -DataType, -Column) on top of the connection parameters, and the errors for a database that fails.
/// </summary>
public abstract class CoverageCommandBase : DatabaseCommandBase
{
    /// <summary>First month to include: 2025-07 (an ISO date of any day of it also works).</summary>
    [Parameter]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime? From { get; set; }

    /// <summary>Last month to include: 2025-07 (an ISO date of any day of it also works).</summary>
    [Parameter]
    [Month]
    [ArgumentCompleter(typeof(PeriodCompleter))]
    public DateTime? To { get; set; }

    /// <summary>
    /// Trust codes to include (case-insensitive); all when omitted. Bound by property name from any of the
    /// module's outputs (OrganisationCode: records and workbook findings); an object without a trust (a
    /// summary by ICB, the National row) adds none.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [Alias("Trust", "OrganisationCode")]
    [ArgumentCompleter(typeof(TrustCodeCompleter))]
    public string[]? TrustCode { get; set; }

    /// <summary>trust_metrics.data_type of the rows to read.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DataType { get; set; } = CoverageScope.DefaultDataType;

    /// <summary>The JSONB column holding the documents.</summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Column { get; set; } = CoverageScope.DefaultColumn;

    /// <summary>
    /// Answer as trust_metrics stood at this moment, from the history the backfill keeps (community_data_history):
    /// the version then valid of every trust-month the module has written, the row as it is for the others.
    /// </summary>
    [Parameter]
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>Trust codes gathered from the pipeline (ValueFromPipelineByPropertyName) and the parameter.</summary>
    protected List<string> TrustCodes { get; } = [];

    protected override void ProcessRecord()
    {
        if (TrustCode is not null)
        {
            TrustCodes.AddRange(TrustCode.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()));
        }
    }

    protected CoverageScope CreateScope()
    {
        // Whole months: -From 2024-11-30 -To 2024-11-01 is November.
        if (From is { } from && To is { } to && (from.Year, from.Month).CompareTo((to.Year, to.Month)) > 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-From ({from:yyyy-MM}) is after -To ({to:yyyy-MM}): no month can be in between."),
                ErrorIdPrefix + "InvalidRange",
                ErrorCategory.InvalidArgument,
                from));
        }

        if (AsOf is not null && !ReadDatabase(() => CommunityHistory.ExistsAsync(Database, CancellationToken).GetAwaiter().GetResult()))
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"{Database.Description} has no history (community_data_history), so it cannot answer -AsOf: the module has not written there since it began to keep history. Leave out -AsOf to read trust_metrics as it is."),
                ErrorIdPrefix + "NoHistory",
                ErrorCategory.ObjectNotFound,
                AsOf));
        }

        return new CoverageScope
        {
            AsOf = AsOf,
            DataType = DataType,
            Column = Column,
            From = From,
            To = To,
            TrustCodes = TrustCodes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
        };
    }

    /// <summary>
    /// Reads the workbook cells for SourceMismatch from files, folders (their .xlsx and .xls workbooks) or wildcards.
    /// A path that names no workbook, or a workbook that cannot be read, is a non-terminating error; the others are used.
    /// </summary>
    /// <returns>The cells (null when no paths were given) and the workbooks they came from.</returns>
    protected (List<SourceCell>? Cells, List<string> Files) ReadWorkbooks(IEnumerable<string>? paths, int progressId)
    {
        var files = new List<string>();
        if (paths is null)
        {
            return (null, files);
        }

        var cells = new List<SourceCell>();
        var importer = new WorkbookImporter();
        foreach (string file in WorkbookPaths.Resolve(this, ErrorIdPrefix, paths, literal: false))
        {
            CancellationToken.ThrowIfCancellationRequested();
            WriteProgress(new ProgressRecord(progressId, MyInvocation.MyCommand.Name, "Reading " + Path.GetFileName(file)));
            try
            {
                cells.AddRange(SourceCell.FromRecords(importer.Read(file, CancellationToken).Records));
                files.Add(file);
            }
            catch (Exception e) when (e is WorkbookFormatException or IOException)
            {
                // One unreadable workbook: say so and compare with the others.
                WriteError(new ErrorRecord(e, ErrorIdPrefix + "WorkbookUnreadable", e is IOException ? ErrorCategory.ReadError : ErrorCategory.InvalidData, file));
            }
        }

        return (cells, files);
    }
}
