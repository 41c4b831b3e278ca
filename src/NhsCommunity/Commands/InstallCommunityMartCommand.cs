using System.Management.Automation;
using NhsCommunity.Database;
using NhsCommunity.Mart;

namespace NhsCommunity.Commands;

/// <summary>
/// Creates the relational mart beside trust_metrics (community_waiting_list, community_service, community_trust) and the
/// triggers that keep it equal to the documents; fills it. Idempotent: running it again rebuilds the same mart.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "CommunityMart", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MartResult))]
public sealed class InstallCommunityMartCommand : MartCommandBase
{
    protected override string Action => "Create or rebuild the mart (community_waiting_list, community_service, community_trust) and its triggers on trust_metrics";

    protected override MartResult Run() => MartInstaller.Install(Database, CancellationToken);

    protected override string Done(MartResult result) =>
        $"Mart installed in schema {result.Schema} of {result.Database}: {result.Rows} rows in {MartSql.Fact} from {result.Documents} trust_metrics rows, {result.Trusts} trusts, {result.Services} services; {result.Elapsed.TotalSeconds:0.0} s.";
}
