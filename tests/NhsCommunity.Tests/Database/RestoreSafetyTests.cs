using System.Management.Automation;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// A restore cannot undo someone else's work: restoring run A after a later run B changed some of the same
/// rows is refused, naming B and the rows, unless forced; restoring B first, then A, puts everything back.
/// A permission error during a restore is reported as one, never as "nothing to restore".
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class RestoreSafetyTests
{
    private static readonly DateTime August = SyntheticBackfill.Months[0];
    private static readonly DateTime September = SyntheticBackfill.Months[1];

    [SkippableFact]
    public async Task Restoring_a_run_that_a_later_run_overwrote_is_refused_naming_the_later_run_and_its_rows()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("restore_later", trusts: 4);
        string original = db.WholeTable();
        var a = new TrustMetricsWriteOptions();
        var b = new TrustMetricsWriteOptions();
        await db.WriteAsync(a, (August, db.Documents(August, variant: 1)), (September, db.Documents(September, variant: 1)));
        string afterA = db.WholeTable();

        // Run B changes R02 and R04 in August only, and leaves R01 as run A wrote it (same document: no backup).
        List<CommunityDocument> later = db.Documents(August, variant: 1);
        later[1] = SyntheticBackfill.Document("R02", August, 902);
        later[3] = SyntheticBackfill.Document("R04", August, 904);
        await db.WriteAsync(b, (August, later));
        string afterB = db.WholeTable();

        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        RestoreConflictException refused = await Assert.ThrowsAsync<RestoreConflictException>(() => new TrustMetricsRestorer(target).RestoreAsync(a.RunId, CancellationToken.None));

        LaterRun run = Assert.Single(refused.LaterRuns);
        Assert.Equal(b.RunId, run.RunId);
        Assert.Equal(["R02 2024-08", "R04 2024-08"], run.Rows);
        Assert.StartsWith($"Run {a.RunId} was not restored on postgres@127.0.0.1:", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"Run {b.RunId} (saved ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(" UTC) changed 2 of its row(s): R02 2024-08, R04 2024-08. Nothing was restored.", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"(Restore-TrustMetrics -RunId {b.RunId}), then this one; or give -Force", refused.Message, StringComparison.Ordinal);
        Assert.Equal(afterB, db.WholeTable());
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));

        // Newest first: B, then A, puts the table back exactly as it was.
        await new TrustMetricsRestorer(target).RestoreAsync(b.RunId, CancellationToken.None);
        Assert.Equal(afterA, db.WholeTable());
        IReadOnlyList<TrustMetricsRestoreResult> restored = await new TrustMetricsRestorer(target).RestoreAsync(a.RunId, CancellationToken.None);
        Assert.Equal(8, restored.Count);
        Assert.Equal(original, db.WholeTable());
    }

    [SkippableFact]
    public void The_cmdlet_refuses_with_its_own_error_id_and_force_restores_anyway()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("restore_force", trusts: 3);
        var a = new TrustMetricsWriteOptions();
        var b = new TrustMetricsWriteOptions();
        db.WriteAsync(a, (August, db.Documents(August, variant: 1))).GetAwaiter().GetResult();
        db.WriteAsync(b, (August, [SyntheticBackfill.Document("R03", August, 903)])).GetAwaiter().GetResult();
        string afterB = db.WholeTable();
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["cs"] = db.ConnectionString, ["a"] = a.RunId };

        ScriptResult refused = session.Run("Restore-TrustMetrics -RunId $a -ConnectionString $cs -Confirm:$false", variables);

        ErrorRecord error = Assert.Single(refused.Errors);
        Assert.Equal("RestoreTrustMetricsChangedByLaterRun,NhsCommunity.Commands.RestoreTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal(a.RunId, error.TargetObject);
        Assert.Contains($"Run {b.RunId} (saved ", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(" changed 1 of its row(s): R03 2024-08.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(refused.Output);
        Assert.Equal(afterB, db.WholeTable());

        ScriptResult forced = session.Run("Restore-TrustMetrics -RunId $a -ConnectionString $cs -Force -Confirm:$false", variables);

        Assert.Empty(forced.Errors);
        Assert.Equal(["R01", "R02", "R03"], forced.Output.Select(o => ((TrustMetricsRestoreResult)o.BaseObject).TrustCode));
        Assert.Equal("0", db.Scalar("SELECT count(community_data) FROM trust_metrics WHERE period = '2024-08-01'"));
    }

    [SkippableFact]
    public void A_permission_error_during_a_restore_is_reported_as_a_permission_error()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("restore_denied", trusts: 2);
        var run = new TrustMetricsWriteOptions();
        db.WriteAsync(run, (August, db.Documents(August, variant: 1))).GetAwaiter().GetResult();
        string afterRun = db.WholeTable();
        using var session = new PowerShellSession();

        // May take the lease and read everything, but not write trust_metrics.
        string readOnly = DatabaseCatalog.WithRole(db.ConnectionString, "restore_ro", """
            GRANT SELECT ON trust_metrics TO {role};
            GRANT SELECT, INSERT, UPDATE ON community_data_history TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON community_backfill_lease TO {role};
            """);

        // May take the lease, but not even read the history.
        string noHistory = DatabaseCatalog.WithRole(db.ConnectionString, "restore_nh", """
            GRANT SELECT, UPDATE, DELETE ON trust_metrics TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON community_backfill_lease TO {role};
            """);

        foreach (var (connectionString, table) in new[] { (readOnly, "trust_metrics"), (noHistory, "community_data_history") })
        {
            ScriptResult result = session.Run("Restore-TrustMetrics -RunId $run -ConnectionString $cs -Confirm:$false", new Dictionary<string, object?> { ["cs"] = connectionString, ["run"] = run.RunId });

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.Equal("RestoreTrustMetricsPermissionDenied,NhsCommunity.Commands.RestoreTrustMetricsCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Contains($" was refused: permission denied for table {table}. Nothing was restored.", error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("nothing to restore", error.Exception.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("SELECT, INSERT and UPDATE on community_data_history", error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("community_data_backups", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(afterRun, db.WholeTable());
            Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
        }
    }
}
