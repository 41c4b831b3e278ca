using System.Management.Automation;
using NhsCommunity.Database;

namespace NhsCommunity.Commands;

/// <summary>
/// What every cmdlet that writes community_data shares (Update-TrustMetrics, Invoke-CommunityBackfill):
/// the target column and data type, the run id, the lease wait and retries, and how the run starts.
/// </summary>
public abstract class TrustMetricsWriteCommandBase : DatabaseCommandBase
{
    /// <summary>The jsonb column to write, for databases that named it differently.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Column { get; set; } = TrustMetricsWriteOptions.DefaultColumn;

    /// <summary>The rows' data_type.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DataType { get; set; } = TrustMetricsWriteOptions.DefaultDataType;

    /// <summary>Insert rows for trusts/months missing from trust_metrics instead of reporting them.</summary>
    [Parameter]
    public SwitchParameter AddMissingRows { get; set; }

    /// <summary>The id under which previous values are kept (default: a new one); give it to Restore-TrustMetrics.</summary>
    [Parameter]
    public Guid RunId { get; set; } = Guid.NewGuid();

    /// <summary>Attempts per month when the failure is transient (dropped connection, serialization failure, restart).</summary>
    [Parameter]
    [ValidateRange(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Stops the command before any input is read when -Column could not name a column.</summary>
    protected void ValidateColumn()
    {
        if (!SqlIdentifier.IsValid(Column))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Column '{Column}' is not a column name: use letters, digits and underscores, starting with a letter or underscore."),
                ErrorIdPrefix + "InvalidColumn", ErrorCategory.InvalidArgument, Column));
        }
    }

    protected TrustMetricsWriter CreateWriter() => new(Database, new TrustMetricsWriteOptions
    {
        Column = Column,
        DataType = DataType,
        AddMissingRows = AddMissingRows,
        RunId = RunId,
        LockTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
        MaxAttempts = MaxAttempts,
    });

    /// <summary>One error ("&lt;Cmdlet&gt;DocumentRejected") for each document of the month that held a value trust_metrics cannot store.</summary>
    protected void ReportRejected(MonthWriteOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (TrustMetricsWriteResult rejected in outcome.Results.Where(r => r.Status == TrustMetricsWriteStatus.Rejected))
        {
            string target = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rejected.TrustCode} {rejected.Period:yyyy-MM}");
            WriteError(new ErrorRecord(new InvalidDataException($"{target}: {rejected.Reason}"), ErrorIdPrefix + "DocumentRejected", ErrorCategory.InvalidData, target));
        }
    }

    /// <summary>
    /// Readies the database and takes the run's lease, once. Returns the lock failure when another backfill
    /// holds the lease (the caller reports it against its months); a database that cannot be reached, or
    /// one without trust_metrics or the column as jsonb (where nothing is created), ends the command.
    /// </summary>
    protected BackfillLockedException? Prepare(TrustMetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        try
        {
            writer.PrepareAsync(CancellationToken).GetAwaiter().GetResult();
        }
        catch (BackfillLockedException e)
        {
            WriteError(DatabaseError(e, "BackfillLocked", ErrorCategory.ResourceBusy, Database.Description));
            return e;
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
        }
        catch (TrustMetricsSchemaException e)
        {
            ErrorCategory category = e.Problem == TrustMetricsSchemaException.ColumnNotJsonb ? ErrorCategory.InvalidType : ErrorCategory.ObjectNotFound;
            ThrowTerminatingError(DatabaseError(e, e.Problem, category, e.Problem == TrustMetricsSchemaException.TableNotFound ? Database.Description : Column));
        }

        return null;
    }
}
