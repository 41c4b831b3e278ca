using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Mart;
using NhsCommunity.Tests.Database;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Mart;

/// <summary>
/// The mart against a real PostgreSQL: after the real backfill it equals the documents and the workbook cells; it
/// follows every kind of change whoever makes it (the module's writer and restorer, a hand-written UPDATE, {} and NULL
/// documents, a delete, an insert, a changed trust code, a truncate); install and uninstall are idempotent and need no
/// superuser.
/// </summary>
[Trait("Category", "Database")]
public sealed class MartTriggerTests
{
    [SkippableFact]
    [Trait("Category", "Pwsh")]
    [Trait("Category", "RealData")]
    public void After_the_real_backfill_the_mart_equals_the_documents_and_every_workbook_cell_and_follows_the_restore()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        var db = SyntheticBackfill.FromFixture("mart_real");
        MartResult installed = MartDatabase.Install(db.ConnectionString);
        Assert.Equal(0, installed.Rows);
        Assert.Equal(MartDatabase.Count(db.ConnectionString, "SELECT count(*) FROM trust_metrics"), installed.Documents);

        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["dir"] = RepositoryPaths.RealWorkbookDirectory, ["cs"] = db.ConnectionString };
        ScriptResult run = session.Run("Import-CommunityWorkbook -Path \"$dir/*.xlsx\" | ConvertTo-CommunityJsonb | Update-TrustMetrics -ConnectionString $cs", variables);
        Assert.Empty(run.Errors);
        MartDatabase.AssertFollows(db.ConnectionString, "the real backfill");

        // Every band value of the fact against its workbook cell, read from the file independently; and every cell of a
        // trust-month the fact has is in the fact.
        var oracles = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Select(WorkbookOracle.Read).ToDictionary(o => o.Period);
        string[] bands = ["total_waiting", "wait_0_1_weeks", "wait_1_2_weeks", "wait_2_4_weeks", "wait_4_12_weeks", "wait_12_18_weeks", "wait_18_52_weeks", "wait_52_plus_weeks", "wait_52_104_weeks", "wait_104_plus_weeks"];
        var inFact = new HashSet<(DateTime, string, string, string, string)>();
        var trustMonths = new HashSet<(DateTime, string)>();
        int compared = 0;
        using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            connection.Open();
            using var read = new NpgsqlCommand($"SELECT trust_code, period, category, service_key, {string.Join(", ", bands)} FROM community_waiting_list", connection);
            using NpgsqlDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                string trust = reader.GetString(0);
                DateTime period = reader.GetDateTime(1);
                string section = reader.GetString(2) == "adult" ? "adult_services" : "cyp_services";
                string service = reader.GetString(3);
                trustMonths.Add((period, trust));
                WorkbookOracle oracle = oracles[period];
                for (int i = 0; i < bands.Length; i++)
                {
                    if (reader.IsDBNull(4 + i))
                    {
                        Assert.False(oracle.Cells.ContainsKey((trust, section, service, bands[i])), $"{trust} {period:yyyy-MM} {section}.{service}.{bands[i]} is NULL in the mart but a cell in the workbook");
                        continue;
                    }

                    Assert.True(oracle.Cells.TryGetValue((trust, section, service, bands[i]), out long cell), $"{trust} {period:yyyy-MM} {section}.{service}.{bands[i]} has no cell");
                    Assert.True(cell == reader.GetInt64(4 + i), $"{trust} {period:yyyy-MM} {section}.{service}.{bands[i]}: mart {reader.GetInt64(4 + i)}, workbook {cell}");
                    inFact.Add((period, trust, section, service, bands[i]));
                    compared++;
                }
            }
        }

        foreach (WorkbookOracle oracle in oracles.Values)
        {
            foreach (var key in oracle.Cells.Keys.Where(k => trustMonths.Contains((oracle.Period, k.Trust))))
            {
                Assert.True(inFact.Contains((oracle.Period, key.Trust, key.Section, key.Service, key.Band)), $"{key} of {oracle.Period:yyyy-MM} is missing from the mart");
            }
        }

        Assert.True(compared > 50_000, $"only {compared} numbers compared");

        // The restore puts the documents back to none, and the mart with them.
        var runId = ((TrustMetricsWriteResult)run.Output[0].BaseObject).RunId;
        variables["runId"] = runId;
        Assert.Empty(session.Run("Restore-TrustMetrics -RunId $runId -ConnectionString $cs -Confirm:$false", variables).Errors);
        MartDatabase.AssertFollows(db.ConnectionString, "the restore");
        Assert.Equal(0, MartDatabase.Count(db.ConnectionString, "SELECT count(*) FROM community_waiting_list"));
    }

    [SkippableFact]
    public async Task The_mart_follows_every_change_whoever_makes_it()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("mart_follows", trusts: 6);
        string cs = db.ConnectionString;
        MartDatabase.Install(cs);

        // The module's writer: three months, one statement each.
        await db.WriteAsync(new TrustMetricsWriteOptions(), SyntheticBackfill.Months.Select(m => (m, db.Documents(m))));
        MartDatabase.AssertFollows(cs, "the writer");
        Assert.Equal(6 * 3, MartDatabase.Count(cs, "SELECT count(*) FROM community_waiting_list"));

        // A hand-written UPDATE of one number in one document.
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = jsonb_set(community_data, '{adult_services,audiology,total_waiting}', '4321') WHERE trust_code = 'R01' AND period = '2024-08-01'");
        MartDatabase.AssertFollows(cs, "an UPDATE of one number");
        Assert.Equal(4321, MartDatabase.Count(cs, "SELECT total_waiting FROM community_waiting_list WHERE trust_code = 'R01' AND period = '2024-08-01'"));

        // A service added by hand (a CYP one), then documents set to {} and to NULL and JSON null.
        MartDatabase.Execute(cs, """UPDATE trust_metrics SET community_data = jsonb_set(community_data, '{cyp_services,audiology}', '{"total_waiting": 5, "wait_0_1_weeks": 5}') WHERE trust_code = 'R02' AND period = '2024-09-01'""");
        MartDatabase.AssertFollows(cs, "a service added");
        Assert.Equal("(CYP) Audiology", MartDatabase.Lines(cs, "SELECT service_name FROM community_waiting_list WHERE trust_code = 'R02' AND period = '2024-09-01' AND category = 'cyp'").Single());
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = '{}' WHERE trust_code = 'R03' AND period = '2024-08-01'");
        MartDatabase.AssertFollows(cs, "a document set to {}");
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = NULL WHERE trust_code = 'R04'");
        MartDatabase.AssertFollows(cs, "documents set to NULL");
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = 'null'::jsonb WHERE trust_code = 'R05' AND period = '2024-10-01'");
        MartDatabase.AssertFollows(cs, "a document set to JSON null");
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM community_waiting_list WHERE trust_code = 'R04'"));

        // A row written into the fact by hand for an emptied trust-month is gone once a document is loaded there again
        // (the trigger skips looking for old rows of an empty month, but not where the fact was written by hand).
        MartDatabase.Execute(cs, "INSERT INTO community_waiting_list (trust_code, period, data_type, category, service_key, total_waiting) SELECT 'R04', period, data_type, 'adult', 'audiology', 1 FROM trust_metrics WHERE trust_code = 'R04' AND period = '2024-08-01'");
        MartDatabase.Execute(cs, "UPDATE trust_metrics t SET community_data = s.community_data FROM trust_metrics s WHERE t.trust_code = 'R04' AND t.period = '2024-08-01' AND s.trust_code = 'R03' AND s.period = '2024-09-01'");
        MartDatabase.AssertFollows(cs, "a document loaded into an emptied trust-month whose fact had a row written by hand");
        Assert.Equal(1, MartDatabase.Count(cs, "SELECT count(DISTINCT period) FROM community_waiting_list WHERE trust_code = 'R04'"));

        // An update of other columns only changes nothing; of the trust's name and ICB, the fact and the dimension follow.
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET rtt_data = '{\"x\": 1}'");
        MartDatabase.AssertFollows(cs, "an update of rtt_data");
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET trust_name = 'RENAMED TRUST', icb_code = 'QZZ' WHERE trust_code = 'R06' AND period = '2024-10-01'");
        MartDatabase.AssertFollows(cs, "a rename in the latest month");
        Assert.Equal("R06|RENAMED TRUST|QZZ", MartDatabase.TrustDimension(cs).Single(l => l.StartsWith("R06|", StringComparison.Ordinal)));

        // A changed trust code, a code written in lower case with spaces (the mart keeps codes trimmed and upper-cased),
        // a row deleted, and a row inserted with a document.
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET trust_code = 'R99' WHERE trust_code = 'R05' AND period = '2024-09-01'");
        MartDatabase.AssertFollows(cs, "a changed trust code");
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET trust_code = ' r6' WHERE trust_code = 'R06' AND period = '2024-08-01'");
        MartDatabase.AssertFollows(cs, "a code in lower case");
        MartDatabase.Execute(cs, "DELETE FROM trust_metrics WHERE trust_code = 'R01' AND period = '2024-08-01'");
        MartDatabase.AssertFollows(cs, "a deleted row");
        MartDatabase.Execute(cs, "INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, community_data) SELECT 'R77', 'NEW TRUST', period, data_type, 'QAA', community_data FROM trust_metrics WHERE trust_code = 'R02'");
        MartDatabase.AssertFollows(cs, "rows inserted");

        // Two rows that name one trust-month (codes differ only by case): both stay in the fact, and a change to one
        // leaves the other's rows alone.
        MartDatabase.Execute(cs, "INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, community_data) SELECT 'r02', trust_name, period, data_type, community_data FROM trust_metrics WHERE trust_code = 'R02' AND period = '2024-10-01'");
        MartDatabase.AssertFollows(cs, "a duplicate trust-month");
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = NULL WHERE trust_code = 'r02'");
        MartDatabase.AssertFollows(cs, "one of two duplicates emptied");

        // A rolled-back change leaves the mart as it was; a transaction of several statements ends equal.
        using (var connection = new NpgsqlConnection(cs))
        {
            connection.Open();
            using (NpgsqlTransaction rollback = connection.BeginTransaction())
            {
                using var delete = new NpgsqlCommand("DELETE FROM trust_metrics", connection, rollback);
                delete.ExecuteNonQuery();
                rollback.Rollback();
            }

            using NpgsqlTransaction several = connection.BeginTransaction();
            foreach (string sql in new[] { "UPDATE trust_metrics SET community_data = NULL WHERE trust_code = 'R02'", "UPDATE trust_metrics SET community_data = (SELECT community_data FROM trust_metrics WHERE trust_code = 'R03' AND period = '2024-09-01') WHERE trust_code = 'R02'" })
            {
                using var command = new NpgsqlCommand(sql, connection, several);
                command.ExecuteNonQuery();
            }

            several.Commit();
        }

        MartDatabase.AssertFollows(cs, "a rollback and a transaction of two updates");

        // TRUNCATE empties the mart; the writer fills it again.
        MartDatabase.Execute(cs, "TRUNCATE trust_metrics");
        MartDatabase.AssertFollows(cs, "a truncate");
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM community_mart_document"));
    }

    [SkippableFact]
    public async Task Through_PgBouncer_in_transaction_mode_install_writes_restore_reads_and_uninstall_work()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PgBouncerProcess.IsInstalled, PgBouncerProcess.NotInstalledReason);
        var db = new SyntheticBackfill("mart_pooler", trusts: 12);
        string database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        using PgBouncerProcess bouncer = PgBouncerProcess.Start(TestPostgres.Instance.Port);
        using DatabaseTarget target = DatabaseTarget.Resolve(bouncer.ConnectionString(database));

        Assert.True(MartInstaller.Install(target).Installed);
        Assert.True(MartInstaller.Install(target).Installed);
        var options = new TrustMetricsWriteOptions();
        await SyntheticBackfill.WriteAsync(target, options, SyntheticBackfill.Months.Select(m => (m, db.Documents(m))));
        MartDatabase.AssertFollows(db.ConnectionString, "the writer through the pooler");

        // The readers through the pooler read the mart, and give what the JSONB gives.
        var rollUp = new NhsCommunity.Queries.WaitingListQuery { GroupBy = [NhsCommunity.Queries.WaitingListGrouping.Icb, NhsCommunity.Queries.WaitingListGrouping.Period] };
        string fromMart = System.Text.Json.JsonSerializer.Serialize(NhsCommunity.Queries.WaitingListReader.ReadGrouped(target, rollUp).ToList());
        var report = NhsCommunity.Coverage.CoverageAnalyzer.Run(target, new NhsCommunity.Coverage.CoverageScope());
        Assert.Contains(report.Checks, c => c.Name == "MartReconciliation");
        Assert.DoesNotContain(report.Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));

        await new TrustMetricsRestorer(target).RestoreAsync(options.RunId, CancellationToken.None);
        MartDatabase.AssertFollows(db.ConnectionString, "the restore through the pooler");
        Assert.Equal(0, MartDatabase.Count(db.ConnectionString, "SELECT count(*) FROM community_waiting_list"));

        Assert.NotEmpty(MartInstaller.Uninstall(target).Removed);
        Assert.Empty(MartInstaller.Uninstall(target).Removed);
        await SyntheticBackfill.WriteAsync(target, new TrustMetricsWriteOptions(), SyntheticBackfill.Months.Select(m => (m, db.Documents(m))));
        Assert.Equal(fromMart, System.Text.Json.JsonSerializer.Serialize(NhsCommunity.Queries.WaitingListReader.ReadGrouped(target, rollUp).ToList()));
        Assert.Equal("0", DatabaseCatalog.Scalar(db.ConnectionString, "SELECT count(*) FROM pg_class WHERE relname LIKE 'community_mart%' OR relname = 'community_waiting_list'"));
    }

    [SkippableFact]
    public void Install_and_uninstall_are_idempotent_and_leave_trust_metrics_alone()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("mart_idempotent", trusts: 4);
        string cs = db.ConnectionString;
        MartDatabase.Execute(cs, $"UPDATE trust_metrics SET community_data = '{SyntheticBackfill.Document("R01", new DateTime(2024, 8, 1), 10).Json}' WHERE trust_code IN ('R01', 'R02')");
        string relationsBefore = DatabaseCatalog.Relations(cs);
        string table = string.Join("\n", MartDatabase.Lines(cs, "SELECT t::text FROM trust_metrics t"));

        MartResult first = MartDatabase.Install(cs);
        List<string> fact = MartDatabase.Fact(cs);
        MartResult second = MartDatabase.Install(cs);
        Assert.Equal(fact, MartDatabase.Fact(cs));
        Assert.Equal((6L, 12L, 4L, 47L), (first.Rows, first.Documents, first.Trusts, first.Services));
        Assert.Equal((first.Rows, first.Documents, first.Trusts, first.Services), (second.Rows, second.Documents, second.Trusts, second.Services));
        Assert.Equal("public", first.Schema);
        Assert.True(first.Installed);
        MartDatabase.AssertFollows(cs, "two installs");

        MartResult removed = MartDatabase.Uninstall(cs);
        Assert.Equal(
            ["community_mart_apply", "community_mart_delete", "community_mart_document", "community_mart_edit", "community_mart_insert", "community_mart_on_change", "community_mart_on_edit", "community_mart_on_truncate", "community_mart_truncate", "community_mart_update", "community_service", "community_trust", "community_waiting_list"],
            removed.Removed.Order(StringComparer.Ordinal));
        Assert.Empty(MartDatabase.Uninstall(cs).Removed);
        Assert.Equal(relationsBefore, DatabaseCatalog.Relations(cs));
        Assert.Equal(table, string.Join("\n", MartDatabase.Lines(cs, "SELECT t::text FROM trust_metrics t")));
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'community_mart%'"));
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = NULL");
    }

    [SkippableFact]
    public void A_non_superuser_owner_installs_it_and_writers_and_readers_need_nothing_more()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("mart_owner", trusts: 3);
        string admin = db.ConnectionString;
        string owner = DatabaseCatalog.WithRole(admin, "mart_owner", "GRANT CREATE ON SCHEMA public TO {role}; ALTER TABLE trust_metrics OWNER TO {role};");
        Assert.Equal("False", DatabaseCatalog.Scalar(owner, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));

        // A loader that may only write the table, and a reader that may only read it.
        string loader = DatabaseCatalog.WithRole(admin, "mart_loader", $"GRANT SELECT, UPDATE, INSERT, DELETE ON trust_metrics TO {{role}}");
        string reader = DatabaseCatalog.WithRole(admin, "mart_reader", $"GRANT SELECT ON trust_metrics TO {{role}}");

        MartResult installed = MartDatabase.Install(owner);
        Assert.Equal(9, installed.Documents);

        MartDatabase.Execute(loader, $"UPDATE trust_metrics SET community_data = '{SyntheticBackfill.Document("R01", new DateTime(2024, 8, 1), 10).Json}' WHERE trust_code = 'R02'");
        MartDatabase.AssertFollows(admin, "a write by a role with no privilege on the mart");
        Assert.Equal(3, MartDatabase.Count(reader, "SELECT count(*) FROM community_waiting_list"));
        Assert.Throws<PostgresException>(() => MartDatabase.Execute(reader, "DELETE FROM community_waiting_list"));
        Assert.Throws<PostgresException>(() => MartDatabase.Execute(loader, "SELECT community_mart_apply(NULL, NULL, NULL, NULL, NULL)"));
        MartDatabase.Execute(loader, "DELETE FROM trust_metrics WHERE trust_code = 'R03'");
        MartDatabase.AssertFollows(admin, "a delete by the loader");

        Assert.NotEmpty(MartDatabase.Uninstall(owner).Removed);
        Assert.Equal(0, long.Parse(DatabaseCatalog.Scalar(admin, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'community_mart%'"), CultureInfo.InvariantCulture));
    }
}
