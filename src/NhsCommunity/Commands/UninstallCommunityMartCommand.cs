using System.Management.Automation;
using NhsCommunity.Mart;

namespace NhsCommunity.Commands;

/// <summary>Removes the mart and its triggers; trust_metrics and its documents are untouched. Does nothing when there is no mart.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "CommunityMart", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(MartResult))]
public sealed class UninstallCommunityMartCommand : MartCommandBase
{
    protected override string Action => "Drop the mart (community_waiting_list, community_service, community_trust) and its triggers on trust_metrics";

    protected override MartResult Run() => MartInstaller.Uninstall(Database, CancellationToken);

    protected override string Done(MartResult result) => result.Removed.Count == 0
        ? $"No mart in schema {result.Schema} of {result.Database}: nothing to remove."
        : $"Mart removed from schema {result.Schema} of {result.Database}: {string.Join(", ", result.Removed)}.";
}
