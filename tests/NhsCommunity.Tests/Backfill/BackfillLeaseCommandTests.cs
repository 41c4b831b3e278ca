using System.Management.Automation;
using Npgsql;
using NhsCommunity.Backfill;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Backfill;

/// <summary>Invoke-CommunityBackfill and the backfill lease, on generated workbooks (no shared data needed).</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class BackfillLeaseCommandTests
{
    [SkippableFact]
    public void A_scheduled_backfill_refuses_while_another_holds_the_lease_and_runs_once_its_lease_has_expired()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string folder = Directory.CreateTempSubdirectory("nhscommunity-lease-backfill-").FullName;
        try
        {
            var specs = new[] { new WorkbookSpec(new DateTime(2024, 11, 1)), new WorkbookSpec(new DateTime(2024, 12, 1)) };
            var workbooks = specs.Select(s => CommunityWorkbookWriter.Write(Path.Combine(folder, s.FileName), s)).ToList();
            var trusts = workbooks.SelectMany(w => w.Organisations)
                .Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code))
                .DistinctBy(o => o.Code).Select(o => (o.Code, o.Name)).ToList();
            string connectionString = TestPostgres.NewDatabase("lease_scheduled");
            TrustMetricsFixtureLoader.LoadSynthetic(connectionString, trusts, [new(2024, 11, 1), new(2024, 12, 1)]);
            var other = Guid.NewGuid();
            Execute(connectionString, $"""
                CREATE TABLE community_backfill_lease (name text PRIMARY KEY, run_id uuid NOT NULL, holder text NOT NULL, acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
                INSERT INTO community_backfill_lease VALUES ('community_backfill', '{other}', 'ops on BATCH01 (process 42)', now(), now() + interval '1 hour')
                """);
            string before = Text(connectionString, "SELECT string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t");
            using var session = new PowerShellSession();
            var variables = new Dictionary<string, object?> { ["folder"] = folder, ["cs"] = connectionString };

            ScriptResult refused = session.Run("Invoke-CommunityBackfill -Path $folder -ConnectionString $cs -LockTimeoutSeconds 1", variables);

            ErrorRecord error = Assert.Single(refused.Errors);
            Assert.Equal("InvokeCommunityBackfillBackfillLocked,NhsCommunity.Commands.InvokeCommunityBackfillCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
            Assert.StartsWith($"Another backfill (run {other}, started ", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains(" by ops on BATCH01 (process 42)) is running on postgres@", error.Exception.Message, StringComparison.Ordinal);
            BackfillSummary summary = Assert.IsType<BackfillSummary>(Assert.Single(refused.Output).BaseObject);
            Assert.Equal(1, summary.ExitCode);
            Assert.Equal(0, summary.MonthsWritten);
            Assert.Equal(2, summary.MonthsFailed);
            Assert.Equal(before, Text(connectionString, "SELECT string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t"));
            Assert.Equal(other.ToString(), Text(connectionString, "SELECT run_id FROM community_backfill_lease"));

            // The other run died: once its lease has expired, the next run takes it over, runs whole and gives it back.
            Execute(connectionString, "UPDATE community_backfill_lease SET expires_at = now() - interval '1 second'");
            ScriptResult run = session.Run("Invoke-CommunityBackfill -Path $folder -ConnectionString $cs -LockTimeoutSeconds 1", variables);

            Assert.Empty(run.Errors);
            summary = Assert.IsType<BackfillSummary>(Assert.Single(run.Output).BaseObject);
            Assert.Equal(0, summary.ExitCode);
            Assert.Equal(2, summary.MonthsWritten);
            Assert.Equal(0, summary.TrustsFailed);
            Assert.True(summary.TrustsUpdated > trusts.Count, $"{summary.TrustsUpdated} updated");
            Assert.Equal(summary.TrustsUpdated.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(connectionString, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));
            Assert.Equal(1 + 2 + 1, summary.RoundTrips);
            Assert.Equal("", Text(connectionString, "SELECT run_id FROM community_backfill_lease"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Execute(string connectionString, string sql) => Text(connectionString, sql);

    private static string Text(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
