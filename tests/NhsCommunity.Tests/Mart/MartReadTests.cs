using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Mart;
using NhsCommunity.Queries;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using Npgsql;

namespace NhsCommunity.Tests.Mart;

/// <summary>
/// Get-CommunityWaitingList's and Test-CommunityCoverage's cores read the mart once it is installed and the JSONB before:
/// on the real backfill both give the same rows, coverage and findings; the mart's dbt-style tests find nothing on a
/// clean mart and each finds its planted fault, naming the rows and the SQL to see them.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "RealData")]
public sealed class MartReadTests
{
    private static readonly WaitingListQuery[] Queries =
    [
        new(),
        new() { GroupBy = [WaitingListGrouping.Icb, WaitingListGrouping.Period] },
        new() { Category = ServiceCategory.Adult, MinTotalWaiting = 5000 },
        new() { Category = ServiceCategory.CYP, Min52PlusWeeks = 1, GroupBy = [WaitingListGrouping.Trust, WaitingListGrouping.Service] },
        new() { Services = ["audiology", "podiatry"], IcbCodes = ["grm", " NOE "], Scope = new CoverageScope { From = new DateTime(2025, 1, 1) } },
        new() { Scope = new CoverageScope { TrustCodes = ["rx1", "RYG"] }, Periods = [new DateTime(2025, 7, 9)] },
        new() { Selections = [new WaitingListSelection("RYG", null, null, null), new WaitingListSelection(null, null, "GRM", "audiology")] },
        new() { GroupBy = [WaitingListGrouping.Category, WaitingListGrouping.Period] },
        new() { GroupBy = [WaitingListGrouping.Icb] },
        new() { GroupBy = [WaitingListGrouping.Trust, WaitingListGrouping.Period], IcbCodes = ["GRM", "noe"], Scope = new CoverageScope { From = new DateTime(2025, 1, 1) } },
        new() { GroupBy = [WaitingListGrouping.Trust], Selections = [new WaitingListSelection(null, new DateTime(2025, 7, 1), null, null), new WaitingListSelection("R1A", null, null, null)] },
        new() { Scope = new CoverageScope { DataType = " MONTHLY" }, GroupBy = [WaitingListGrouping.Service] },
    ];

    [SkippableFact]
    public void The_readers_give_the_same_results_from_the_mart_and_the_mart_tests_find_each_planted_fault()
    {
        Skip.IfNot(TestPostgres.IsAvailable && RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        string cs = RealBackfill();
        using DatabaseTarget database = DatabaseTarget.Resolve(cs);
        var scopes = new[] { new CoverageScope(), new CoverageScope { From = new DateTime(2025, 1, 1), TrustCodes = ["RYG", "rx1"] } };

        List<string> jsonbRows = Queries.Select(q => Read(database, q)).ToList();
        List<string> jsonbReports = scopes.Select(s => Report(database, s)).ToList();
        Assert.True(jsonbRows[0].Length > 100_000, "the real backfill gives rows");
        using (NpgsqlConnection connection = database.OpenConnectionAsync(default).GetAwaiter().GetResult())
        {
            Assert.False(MartInstaller.IsInstalled(connection));
        }

        MartInstaller.Install(database);
        using (NpgsqlConnection connection = database.OpenConnectionAsync(default).GetAwaiter().GetResult())
        {
            Assert.True(MartInstaller.IsInstalled(connection));
            Assert.True(WaitingListReader.ReadsMart(new WaitingListQuery(), martInstalled: true));
            Assert.False(WaitingListReader.ReadsMart(new WaitingListQuery { Scope = new CoverageScope { Column = "other_data" } }, martInstalled: true));
        }

        for (int i = 0; i < Queries.Length; i++)
        {
            Assert.True(jsonbRows[i] == Read(database, Queries[i]), $"query {i} differs between the JSONB and the mart");
        }

        CoverageReport clean = CoverageAnalyzer.Run(database, new CoverageScope());
        Assert.Equal(MartChecks.All.Select(c => c.Name), clean.Checks.Select(c => c.Name).Where(n => n.StartsWith("Mart", StringComparison.Ordinal)));
        Assert.DoesNotContain(clean.Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));

        // The SQL each mart test prints (checks.sql of Export-CommunityReport) runs as it is, and finds nothing on a clean mart.
        foreach (CoverageCheck check in clean.Checks.Where(c => c.ReadsMart))
        {
            Assert.Empty(MartDatabase.Lines(cs, $"SELECT check_name FROM ({clean.SqlOf(check).TrimEnd().TrimEnd(';')}) AS q"));
        }
        for (int i = 0; i < scopes.Length; i++)
        {
            Assert.True(jsonbReports[i] == Report(database, scopes[i]), $"coverage of scope {i} differs between the JSONB and the mart");
        }

        // Each generic test finds its planted fault, and only its own (and the reconciliation, where rows or sums change).
        (string Plant, string Check, string Detail)[] faults =
        [
            ("INSERT INTO community_waiting_list SELECT * FROM community_waiting_list WHERE trust_code = 'R1A' AND period = '2025-07-01' AND category = 'adult' AND service_key = 'podiatry'",
             "MartUnique", "unique (trust_code, period, data_type, category, service_key): 2 rows of community_waiting_list for one service and month (data_type 'monthly'). See them: SELECT * FROM community_waiting_list WHERE trust_code IS NOT DISTINCT FROM 'R1A' AND period IS NOT DISTINCT FROM '2025-07-01'::date AND data_type IS NOT DISTINCT FROM 'monthly' AND category IS NOT DISTINCT FROM 'adult' AND service_key IS NOT DISTINCT FROM 'podiatry';"),
            ("UPDATE community_waiting_list SET total_waiting = NULL WHERE trust_code = 'R1A' AND period = '2025-07-01' AND category = 'adult' AND service_key = 'podiatry'",
             "MartNotNull", "not_null (total_waiting): 1 row(s) of community_waiting_list with NULL. See them: SELECT * FROM community_waiting_list WHERE trust_code IS NOT DISTINCT FROM 'R1A' AND period IS NOT DISTINCT FROM '2025-07-01'::date AND data_type IS NOT DISTINCT FROM 'monthly' AND category IS NOT DISTINCT FROM 'adult' AND service_key IS NOT DISTINCT FROM 'podiatry';"),
            ("UPDATE community_waiting_list SET trust_code = 'RZZ' WHERE trust_code = 'R1A' AND period = '2025-07-01' AND category = 'adult' AND service_key = 'podiatry'",
             "MartRelationships", "relationships (trust_code to community_trust): 'RZZ' is not in community_trust; 1 row(s). See them: SELECT * FROM community_waiting_list f WHERE f.trust_code = 'RZZ' AND NOT EXISTS (SELECT 1 FROM community_trust t WHERE t.trust_code = f.trust_code);"),
            ("UPDATE community_waiting_list SET category = 'elderly' WHERE trust_code = 'R1A' AND period = '2025-07-01' AND category = 'adult' AND service_key = 'podiatry'",
             "MartAcceptedValues", "accepted_values (category in adult, cyp): 'elderly' in 1 row(s) of this trust. See them: SELECT * FROM community_waiting_list WHERE trust_code IS NOT DISTINCT FROM 'R1A' AND category = 'elderly';"),
            ("UPDATE community_waiting_list SET service_key = 'sleep_clinic' WHERE trust_code = 'R1A' AND period = '2025-07-01' AND category = 'adult' AND service_key = 'podiatry'",
             "MartAcceptedValues", "accepted_values (service_key in the catalogue): 'sleep_clinic' in 1 row(s) of this trust. See them: SELECT * FROM community_waiting_list WHERE trust_code IS NOT DISTINCT FROM 'R1A' AND service_key = 'sleep_clinic';"),
            ("ALTER TABLE trust_metrics DISABLE TRIGGER community_mart_update; UPDATE trust_metrics SET community_data = NULL WHERE trust_code = 'R1A' AND period = '2025-07-01'; ALTER TABLE trust_metrics ENABLE TRIGGER community_mart_update",
             "MartReconciliation", "reconciliation (rows of trust_metrics): the row (data_type 'monthly') changed after the mart last read it. Run Install-CommunityMart to rebuild the mart; see whether its triggers are there and enabled: SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'trust_metrics'::regclass AND tgname LIKE 'community_mart%';"),
        ];
        foreach (var (plant, check, detail) in faults)
        {
            MartDatabase.Execute(cs, plant);
            CoverageReport report = CoverageAnalyzer.Run(database, new CoverageScope());
            var mart = report.Findings.Where(f => f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList();
            Assert.Contains(mart, f => f.Check == check && f.Detail == detail);
            Assert.All(mart, f => Assert.Contains(f.Check, new[] { check, "MartReconciliation", check == "MartAcceptedValues" ? "MartRelationships" : check }));
            Assert.All(mart, f => Assert.Contains("SELECT ", f.Detail, StringComparison.Ordinal));
            if (check is "MartUnique" or "MartNotNull")
            {
                // A row more, or a total less: the month's rows or sums no longer match the documents.
                Assert.Contains(mart, f => f.Check == "MartReconciliation" && f.TrustCode == "R1A" && f.Period == new Month(2025, 7));
            }

            // A rebuild makes the mart clean again.
            MartInstaller.Install(database);
            Assert.DoesNotContain(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));
        }

        // A fact that disagrees with its document: the month's sum of that band no longer matches. (R1A's July document is
        // gone since the last fault; another trust-month with podiatry is taken.)
        string[] key = MartDatabase.Lines(cs, "SELECT trust_code || '|' || to_char(period, 'YYYY-MM-DD') FROM community_waiting_list WHERE data_type = 'monthly' AND category = 'adult' AND service_key = 'podiatry' AND trust_code <> 'R1A' LIMIT 1").Single().Split('|');
        string where = $"trust_code = '{key[0]}' AND period = '{key[1]}'";
        long documentTotal = MartDatabase.Count(cs, $"SELECT sum((e.value ->> 'total_waiting')::bigint) FROM trust_metrics t, LATERAL (VALUES ('adult_services'), ('cyp_services')) AS c(k), LATERAL jsonb_each(t.community_data -> c.k) AS e WHERE t.{where}");
        MartDatabase.Execute(cs, $"UPDATE community_waiting_list SET total_waiting = total_waiting + 1 WHERE {where} AND category = 'adult' AND service_key = 'podiatry'");
        var disagree = CoverageAnalyzer.Run(database, new CoverageScope()).Findings.Where(f => f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            $"MartReconciliation|{key[0]}|{key[1][..7]}|reconciliation (total_waiting, data_type 'monthly'): the documents give {documentTotal}, community_waiting_list {documentTotal + 1} (+1). See them: SELECT trust_code, period, data_type, count(*) AS rows, sum(total_waiting) AS total_waiting, sum(wait_0_1_weeks) AS wait_0_1_weeks, sum(wait_1_2_weeks) AS wait_1_2_weeks, sum(wait_2_4_weeks) AS wait_2_4_weeks, sum(wait_4_12_weeks) AS wait_4_12_weeks, sum(wait_12_18_weeks) AS wait_12_18_weeks, sum(wait_18_52_weeks) AS wait_18_52_weeks, sum(wait_52_plus_weeks) AS wait_52_plus_weeks, sum(wait_52_104_weeks) AS wait_52_104_weeks, sum(wait_104_plus_weeks) AS wait_104_plus_weeks FROM community_waiting_list WHERE trust_code IS NOT DISTINCT FROM '{key[0]}' AND period IS NOT DISTINCT FROM '{key[1]}'::date AND data_type IS NOT DISTINCT FROM 'monthly' GROUP BY 1, 2, 3;",
            Assert.Single(disagree).Check + "|" + disagree[0].TrustCode + "|" + disagree[0].Period?.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) + "|" + disagree[0].Detail);

        // A write to trust_metrics rebuilds that trust-month from its documents: the hand edit is gone, and so is its note.
        MartDatabase.Execute(cs, $"UPDATE trust_metrics SET community_data = jsonb_set(community_data, '{{metadata,last_updated}}', '\"2025-09-01\"') WHERE {where}");
        Assert.DoesNotContain(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM community_mart_edit"));

        // With a guard disabled the tests read every row of the fact, so a row inserted meanwhile is still found; a TRUNCATE
        // of the fact by hand shows as every month missing.
        MartDatabase.Execute(cs, $"ALTER TABLE community_waiting_list DISABLE TRIGGER community_mart_guard_insert; INSERT INTO community_waiting_list SELECT * FROM community_waiting_list WHERE {where} AND category = 'adult' AND service_key = 'podiatry'");
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM community_mart_edit"));
        Assert.Contains(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check == "MartUnique" && f.TrustCode == key[0] && f.Detail.StartsWith("unique (trust_code, period, data_type, category, service_key): 2 rows", StringComparison.Ordinal));
        MartDatabase.Execute(cs, "ALTER TABLE community_waiting_list ENABLE TRIGGER community_mart_guard_insert; TRUNCATE community_waiting_list");
        long months = MartDatabase.Count(cs, "SELECT count(*) FROM (SELECT DISTINCT trust_code, period, data_type FROM community_mart_document WHERE services > 0) AS k");
        Assert.Equal(months, CoverageAnalyzer.Run(database, new CoverageScope()).Findings.Count(f => f.Check == "MartReconciliation" && f.Detail.StartsWith("reconciliation (rows, ", StringComparison.Ordinal)));
        MartInstaller.Install(database);
        Assert.DoesNotContain(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));

        // Uninstalled, the readers are back on the JSONB, with the same answer.
        string fromMart = Read(database, Queries[1]);
        MartInstaller.Uninstall(database);
        Assert.Equal(fromMart, Read(database, Queries[1]));
        Assert.DoesNotContain(CoverageAnalyzer.Run(database, new CoverageScope()).Checks, c => c.Name.StartsWith("Mart", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void On_the_synthetic_history_the_readers_give_the_same_results_from_the_mart()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string cs = TestPostgres.NewDatabase("mart_history");
        MartDatabase.Execute(cs, NhsCommunity.Database.TrustMetricsSchema.CreateTable);
        MartDatabase.Execute(cs, NhsCommunity.Bench.CoverageHistorySql.Insert(40, 30, new DateTime(2025, 7, 1)));
        using DatabaseTarget database = DatabaseTarget.Resolve(cs);
        var queries = Queries.Select(q => q.Scope.TrustCodes.Count > 0 ? q with { Scope = q.Scope with { TrustCodes = ["rab", "RBC "] } } : q).ToArray();
        List<string> jsonbRows = queries.Select(q => Read(database, q)).ToList();
        string jsonbReport = Report(database, new CoverageScope());

        MartInstaller.Install(database);
        MartDatabase.AssertFollows(cs, "the install");
        for (int i = 0; i < queries.Length; i++)
        {
            Assert.True(jsonbRows[i] == Read(database, queries[i]), $"query {i} differs between the JSONB and the mart");
        }

        Assert.Equal(jsonbReport, Report(database, new CoverageScope()));
        Assert.Contains("\"TrustCode\":\"RAB\"", jsonbRows[5], StringComparison.Ordinal);
        Assert.DoesNotContain(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void The_READMEs_three_worked_queries_run_on_the_real_backfill_and_agree_with_the_documents()
    {
        Skip.IfNot(TestPostgres.IsAvailable && RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string section = readme[readme.IndexOf("### Querying the mart", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", StringComparison.Ordinal)];
        string[] queries = System.Text.RegularExpressions.Regex.Matches(section, "```sql\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(3, queries.Length);

        string cs = RealBackfill();
        using (DatabaseTarget database = DatabaseTarget.Resolve(cs))
        {
            MartInstaller.Install(database);
        }

        // Services over 5,000 waiting in July 2025: as many as the documents have.
        List<string> over5000 = MartDatabase.Lines(cs, $"SELECT concat_ws('|', trust_code, service_name, total_waiting) FROM ({queries[0].TrimEnd().TrimEnd(';')}) AS q");
        long fromDocuments = MartDatabase.Count(cs, """
            SELECT count(*) FROM trust_metrics t, LATERAL (VALUES ('adult_services'), ('cyp_services')) AS c(k), LATERAL jsonb_each(t.community_data -> c.k) AS e
            WHERE t.period = '2025-07-01' AND (e.value ->> 'total_waiting')::numeric > 5000
            """);
        Assert.True(over5000.Count > 0, "no service over 5,000 waiting");
        Assert.Equal(fromDocuments, over5000.Count);

        // The GRM trend: one row per month of the backfill, the 52+ sums as the documents give them.
        List<string> trend = MartDatabase.Lines(cs, $"SELECT concat_ws('|', month, waiting_52_plus_weeks) FROM ({queries[1].TrimEnd().TrimEnd(';')}) AS q");
        List<string> expected = MartDatabase.Lines(cs, """
            SELECT concat_ws('|', to_char(t.period, 'YYYY-MM'), sum((e.value ->> 'wait_52_plus_weeks')::bigint))
            FROM trust_metrics t, LATERAL (VALUES ('adult_services'), ('cyp_services')) AS c(k), LATERAL jsonb_each(t.community_data -> c.k) AS e
            WHERE t.icb_code = 'GRM' GROUP BY t.period
            """);
        Assert.Equal(["2024-08", "2024-12", "2025-01", "2025-07"], trend.Select(l => l.Split('|')[0]));
        Assert.Equal(expected, trend);

        // The ranking: every trust with a list in July 2025, ranked from 1, shares between 0 and 100.
        List<string> ranked = MartDatabase.Lines(cs, $"SELECT concat_ws('|', rank, trust_code, percent_over_18_weeks) FROM ({queries[2].TrimEnd().TrimEnd(';')}) AS q");
        Assert.Equal(MartDatabase.Count(cs, "SELECT count(DISTINCT trust_code) FROM trust_metrics WHERE period = '2025-07-01' AND (community_data -> 'metadata' ->> 'total_waiting_all_services')::numeric > 0"), ranked.Count);
        Assert.Contains(ranked, l => l.StartsWith("1|", StringComparison.Ordinal));
        Assert.All(ranked, l => Assert.InRange(decimal.Parse(l.Split('|')[2], System.Globalization.CultureInfo.InvariantCulture), 0m, 100m));
    }

    /// <summary>The fixture's trust_metrics with the four real workbooks' documents written by plain UPDATEs.</summary>
    private static string RealBackfill()
    {
        string cs = TrustMetricsFixtureLoader.NewDatabaseWithFixture("mart_reads");
        var importer = new WorkbookImporter();
        var records = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Order(StringComparer.Ordinal).SelectMany(w => importer.Read(w).Records).ToList();
        using var connection = new NpgsqlConnection(cs);
        connection.Open();
        foreach (CommunityDocument document in CommunityDocumentBuilder.Build(records).Documents)
        {
            using var update = new NpgsqlCommand("UPDATE trust_metrics SET community_data = @json::jsonb WHERE trust_code = @code AND period = @period AND data_type = 'monthly'", connection);
            update.Parameters.AddWithValue("json", document.Json);
            update.Parameters.AddWithValue("code", document.TrustCode);
            update.Parameters.AddWithValue("period", DateOnly.FromDateTime(document.Period));
            update.ExecuteNonQuery();
        }

        return cs;
    }

    private static string Read(DatabaseTarget database, WaitingListQuery query) => query.GroupBy.Count == 0
        ? JsonSerializer.Serialize(WaitingListReader.Read(database, query).ToList())
        : JsonSerializer.Serialize(WaitingListReader.ReadGrouped(database, query).ToList());

    /// <summary>The report's coverage and the document checks' findings (the mart's own tests exist only with the mart).</summary>
    private static string Report(DatabaseTarget database, CoverageScope scope)
    {
        CoverageReport report = CoverageAnalyzer.Run(database, scope);
        return JsonSerializer.Serialize(new
        {
            report.Coverage,
            Findings = report.Findings.Where(f => !f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList(),
        });
    }
}
