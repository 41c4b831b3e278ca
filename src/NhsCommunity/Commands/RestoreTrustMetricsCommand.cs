using System.Management.Automation;
using NhsCommunity.Database;

namespace NhsCommunity.Commands;

/// <summary>Undoes an Update-TrustMetrics run: previous values back exactly, inserted rows removed, one transaction.</summary>
[Cmdlet(VerbsData.Restore, "TrustMetrics", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TrustMetricsRestoreResult))]
public sealed class RestoreTrustMetricsCommand : DatabaseCommandBase
{
    /// <summary>The run to undo (the RunId of Update-TrustMetrics results).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public Guid RunId { get; set; }

    /// <summary>Restore even when later runs changed some of the same rows since (their values are then overwritten).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private readonly HashSet<Guid> _done = [];

    protected override void ProcessRecord()
    {
        // Update-TrustMetrics output pipes in one object per document, all with the same run id.
        if (!_done.Add(RunId))
        {
            return;
        }

        if (!ShouldProcess($"run {RunId} on {Database.Description}", "Restore the values it overwrote and remove the rows it inserted"))
        {
            return;
        }

        try
        {
            var restorer = new TrustMetricsRestorer(Database) { LockTimeout = TimeSpan.FromSeconds(TimeoutSeconds), Force = Force };
            IReadOnlyList<TrustMetricsRestoreResult> results = restorer.RestoreAsync(RunId, CancellationToken).GetAwaiter().GetResult();
            foreach (TrustMetricsRestoreResult result in results)
            {
                WriteObject(result);
            }

            WriteVerbose($"Run {RunId}: {results.Count} row(s) put back on {Database.Description}.");
        }
        catch (KeyNotFoundException e)
        {
            WriteError(DatabaseError(e, "RunNotFound", ErrorCategory.ObjectNotFound, RunId));
        }
        catch (BackfillLockedException e)
        {
            WriteError(DatabaseError(e, "BackfillLocked", ErrorCategory.ResourceBusy, RunId));
        }
        catch (RestoreConflictException e)
        {
            WriteError(new ErrorRecord(e, ErrorIdPrefix + "ChangedByLaterRun", ErrorCategory.InvalidOperation, RunId));
        }
        catch (DatabasePermissionException e)
        {
            WriteError(PermissionError(e, RunId));
        }
        catch (DatabaseTimeoutException e)
        {
            WriteError(TimeoutError(e, RunId));
        }
        catch (TrustMetricsSchemaException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIdPrefix + e.Problem, ErrorCategory.ObjectNotFound, Database.Description));
        }
        catch (TrustMetricsWriteException e)
        {
            WriteError(DatabaseError(e, "Failed", ErrorCategory.WriteError, RunId));
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
        }
    }
}
