using System.Data.Common;
using System.Management.Automation;
using NhsCommunity.Commands.Completion;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
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

        return new CoverageScope
        {
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

    /// <summary>
    /// Runs a database read and turns its failures into terminating errors naming the database only:
    /// "&lt;Cmdlet&gt;DatabaseUnavailable" (cannot connect) and "&lt;Cmdlet&gt;QueryFailed" (e.g. no trust_metrics table).
    /// </summary>
    protected T ReadDatabase<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
            throw;
        }
        catch (DatabaseTimeoutException e)
        {
            ThrowTerminatingError(TimeoutError(e, Database.Description));
            throw;
        }
        catch (DbException e) when (!CancellationToken.IsCancellationRequested)
        {
            var problem = new InvalidOperationException($"Reading {Database.Description} failed: {Database.Redact(e.Message)}", e);
            ThrowTerminatingError(DatabaseError(problem, "QueryFailed", ErrorCategory.ReadError, Database.Description));
            throw;
        }
    }
}
