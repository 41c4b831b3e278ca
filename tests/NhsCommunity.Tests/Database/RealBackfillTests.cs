using System.Globalization;
using System.Text.Json;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// The four real NHS England workbooks backfilled into the fixture's trust_metrics through the module
/// (Import-CommunityWorkbook | ConvertTo-CommunityJsonb | Update-TrustMetrics), then every number in
/// the database checked against its cell, read from the workbook independently.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class RealBackfillTests
{
    [SkippableFact]
    public void The_four_real_months_land_cell_for_cell_and_nothing_else_changes()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);

        var db = SyntheticBackfill.FromFixture("real_backfill");
        var oracles = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Select(WorkbookOracle.Read).ToDictionary(o => o.Period);
        Assert.Equal(4, oracles.Count);
        var otherMonths = Enumerable.Range(0, 12).Select(i => new DateTime(2024, 8, 1).AddMonths(i)).Where(m => !oracles.ContainsKey(m)).ToList();
        var otherBefore = otherMonths.ToDictionary(m => m, db.MonthState);
        string untouched = db.UntouchedColumns();
        string before = db.WholeTable();

        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["dir"] = RepositoryPaths.RealWorkbookDirectory, ["cs"] = db.ConnectionString };
        ScriptResult run = session.Run("Import-CommunityWorkbook -Path \"$dir/*.xlsx\" | ConvertTo-CommunityJsonb | Update-TrustMetrics -ConnectionString $cs -Verbose", variables);

        Assert.Empty(run.Errors);
        var results = run.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).ToList();
        Assert.DoesNotContain(results, r => r.Status is TrustMetricsWriteStatus.Failed or TrustMetricsWriteStatus.Inserted);
        Assert.Equal(4, run.Verbose.Count(v => v.Contains("; 1 round trip(s), 1 attempt(s)", StringComparison.Ordinal)));

        // Every number in the database against its cell.
        int compared = 0;
        var filled = new HashSet<(string Trust, DateTime Period)>();
        using (NpgsqlConnection connection = db.Open())
        using (var read = new NpgsqlCommand("SELECT trust_code, period, community_data::text FROM trust_metrics WHERE community_data IS NOT NULL", connection))
        using (NpgsqlDataReader reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                string trust = reader.GetString(0);
                DateTime period = reader.GetDateTime(1);
                Assert.True(oracles.TryGetValue(period, out WorkbookOracle? oracle), $"{trust} {period:yyyy-MM} got a document but no workbook has that month");
                filled.Add((trust, period));
                using JsonDocument json = JsonDocument.Parse(reader.GetString(2));
                int services = 0, breaches = 0;
                long total = 0;
                foreach (string section in new[] { "adult_services", "cyp_services" })
                {
                    foreach (JsonProperty service in json.RootElement.GetProperty(section).EnumerateObject())
                    {
                        services++;
                        foreach (JsonProperty band in service.Value.EnumerateObject())
                        {
                            Assert.True(oracle.Cells.TryGetValue((trust, section, service.Name, band.Name), out long cell),
                                $"{trust} {period:yyyy-MM} {section}.{service.Name}.{band.Name} = {band.Value} has no cell in the workbook");
                            Assert.True(cell == band.Value.GetInt64(), $"{trust} {period:yyyy-MM} {section}.{service.Name}.{band.Name}: database {band.Value}, workbook {cell}");
                            compared++;
                        }

                        total += service.Value.GetProperty("total_waiting").GetInt64();
                        breaches += service.Value.GetProperty("wait_52_plus_weeks").GetInt64() > 0 ? 1 : 0;
                    }
                }

                JsonElement metadata = json.RootElement.GetProperty("metadata");
                Assert.Equal(services, metadata.GetProperty("services_reported").GetInt32());
                Assert.Equal(total, metadata.GetProperty("total_waiting_all_services").GetInt64());
                Assert.Equal(breaches, metadata.GetProperty("services_with_52plus_breaches").GetInt32());
            }
        }

        // And every cell of a trust the database has for that month is in its document.
        foreach (WorkbookOracle oracle in oracles.Values)
        {
            foreach (var key in oracle.Cells.Keys.Where(k => filled.Contains((k.Trust, oracle.Period))))
            {
                Assert.True(CellInDatabase(db, oracle.Period, key), $"{key} of {oracle.Period:yyyy-MM} is missing from the database");
            }
        }

        Assert.True(compared > 50_000, $"only {compared} numbers compared");
        Assert.Equal(filled.Count, results.Count(r => r.Status == TrustMetricsWriteStatus.Updated));
        Assert.Equal(untouched, db.UntouchedColumns());
        Assert.All(otherMonths, m => Assert.Equal(otherBefore[m], db.MonthState(m)));

        // A second run writes nothing.
        string versions = db.RowVersions();
        ScriptResult again = session.Run("Import-CommunityWorkbook -Path \"$dir/*.xlsx\" | ConvertTo-CommunityJsonb | Update-TrustMetrics -ConnectionString $cs", variables);
        Assert.Empty(again.Errors);
        Assert.All(again.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).Where(r => r.Status != TrustMetricsWriteStatus.NotInDatabase),
            r => Assert.Equal(TrustMetricsWriteStatus.Unchanged, r.Status));
        Assert.Equal(versions, db.RowVersions());

        // Restoring the first run gives back the table exactly as the fixture loaded it.
        variables["runId"] = results[0].RunId;
        ScriptResult restore = session.Run("Restore-TrustMetrics -RunId $runId -ConnectionString $cs -Confirm:$false", variables);
        Assert.Empty(restore.Errors);
        Assert.Equal(filled.Count, restore.Output.Count);
        Assert.Equal(before, db.WholeTable());
    }

    private static readonly Dictionary<string, HashSet<string>> Present = [];

    /// <summary>Whether the document of that trust and month has the cell's band (every value was already compared above).</summary>
    private static bool CellInDatabase(SyntheticBackfill db, DateTime period, (string Trust, string Section, string Service, string Band) key)
    {
        string cacheKey = db.ConnectionString + "|" + period.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (!Present.TryGetValue(cacheKey, out HashSet<string>? paths))
        {
            paths = [];
            using NpgsqlConnection connection = db.Open();
            using var read = new NpgsqlCommand("""
                SELECT m.trust_code || '|' || s.section || '|' || svc.key || '|' || b.key
                FROM trust_metrics m
                CROSS JOIN LATERAL (VALUES ('adult_services'), ('cyp_services')) AS s(section)
                CROSS JOIN LATERAL jsonb_each(m.community_data -> s.section) AS svc
                CROSS JOIN LATERAL jsonb_each(svc.value) AS b
                WHERE m.period = $1 AND m.community_data IS NOT NULL
                """, connection);
            read.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(period) });
            using NpgsqlDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                paths.Add(reader.GetString(0));
            }

            Present[cacheKey] = paths;
        }

        return paths.Contains($"{key.Trust}|{key.Section}|{key.Service}|{key.Band}");
    }
}
