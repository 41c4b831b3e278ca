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

    private readonly List<Guid> _runs = [];

    /// <summary>
    /// Update-TrustMetrics output pipes in one object per document, all with the same run id. The runs are
    /// restored once all input has arrived: a run piped straight from Update-TrustMetrics still holds the
    /// backfill lease until that command ends, so restoring here would wait for it and fail.
    /// </summary>
    protected override void ProcessRecord()
    {
        if (!_runs.Contains(RunId))
        {
            _runs.Add(RunId);
        }
    }

    /// <summary>The latest run first, so a later run is undone before the one it overwrote.</summary>
    protected override void EndProcessing()
    {
        for (int i = _runs.Count - 1; i >= 0; i--)
        {
            Restore(_runs[i]);
        }
    }

    private void Restore(Guid runId)
    {
        if (!ShouldProcess($"run {runId} on {Database.Description}", "Restore the values it overwrote and remove the rows it inserted"))
        {
            return;
        }

        try
        {
            var restorer = new TrustMetricsRestorer(Database) { LockTimeout = TimeSpan.FromSeconds(TimeoutSeconds), Force = Force };
            IReadOnlyList<TrustMetricsRestoreResult> results = restorer.RestoreAsync(runId, CancellationToken).GetAwaiter().GetResult();
            foreach (TrustMetricsRestoreResult result in results)
            {
                WriteObject(result);
            }

            WriteVerbose($"Run {runId}: {results.Count} row(s) put back on {Database.Description}.");
        }
        catch (KeyNotFoundException e)
        {
            WriteError(DatabaseError(e, "RunNotFound", ErrorCategory.ObjectNotFound, runId));
        }
        catch (BackfillLockedException e)
        {
            WriteError(DatabaseError(e, "BackfillLocked", ErrorCategory.ResourceBusy, runId));
        }
        catch (RestoreConflictException e)
        {
            WriteError(new ErrorRecord(e, ErrorIdPrefix + "ChangedByLaterRun", ErrorCategory.InvalidOperation, runId));
        }
        catch (DatabasePermissionException e)
        {
            WriteError(PermissionError(e, runId));
        }
        catch (DatabaseTimeoutException e)
        {
            WriteError(TimeoutError(e, runId));
        }
        catch (TrustMetricsSchemaException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIdPrefix + e.Problem, ErrorCategory.ObjectNotFound, Database.Description));
        }
        catch (TrustMetricsWriteException e)
        {
            WriteError(DatabaseError(e, "Failed", ErrorCategory.WriteError, runId));
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
        }
    }
}
