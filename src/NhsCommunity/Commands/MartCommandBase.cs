using System.Management.Automation;
using NhsCommunity.Database;
using NhsCommunity.Mart;

namespace NhsCommunity.Commands;

/// <summary>Install-CommunityMart and Uninstall-CommunityMart: one ShouldProcess, one call on the core, its problems as errors.</summary>
public abstract class MartCommandBase : DatabaseCommandBase
{
    /// <summary>What ShouldProcess names.</summary>
    protected abstract string Action { get; }

    protected abstract MartResult Run();

    /// <summary>The verbose line after success.</summary>
    protected abstract string Done(MartResult result);

    protected override void EndProcessing()
    {
        // -WhatIf makes no connection: the target is named from the settings alone.
        if (!ShouldProcess($"trust_metrics on {Database.Description}", Action))
        {
            return;
        }

        try
        {
            MartResult result = Run();
            WriteVerbose(Done(result));
            WriteObject(result);
        }
        catch (TrustMetricsSchemaException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIdPrefix + e.Problem, ErrorCategory.ObjectNotFound, Database.Description));
        }
        catch (DatabasePermissionException e)
        {
            ThrowTerminatingError(PermissionError(e, Database.Description));
        }
        catch (DatabaseTimeoutException e)
        {
            ThrowTerminatingError(TimeoutError(e, Database.Description));
        }
        catch (MartException e)
        {
            ThrowTerminatingError(DatabaseError(e, "Failed", ErrorCategory.InvalidOperation, Database.Description));
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
        }
    }
}
