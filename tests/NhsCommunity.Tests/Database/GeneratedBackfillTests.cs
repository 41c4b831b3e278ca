using System.Text.Json;
using Npgsql;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// The whole pipeline (Import-CommunityWorkbook | ConvertTo-CommunityJsonb | Update-TrustMetrics) on
/// generated workbooks, so it runs on a fresh clone: every number in the database is checked against
/// the generator's own value for that cell.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class GeneratedBackfillTests
{
    [SkippableFact]
    public void Generated_months_land_cell_for_cell_through_the_pipeline()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string folder = Directory.CreateTempSubdirectory("nhscommunity-generated-backfill-").FullName;
        try
        {
            // November 2024 has one 52+ band; December 2024 splits it.
            var specs = new[] { new WorkbookSpec(new DateTime(2024, 11, 1)), new WorkbookSpec(new DateTime(2024, 12, 1)) };
            var workbooks = specs.Select(s => CommunityWorkbookWriter.Write(Path.Combine(folder, s.FileName), s)).ToDictionary(w => w.Period);
            var trusts = workbooks.Values.SelectMany(w => w.Organisations)
                .Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code))
                .DistinctBy(o => o.Code).OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
            string missing = trusts[^1].Code;

            // Every NHS trust but one has rows for October (which no workbook covers) to December.
            string connectionString = TestPostgres.NewDatabase("generated_backfill");
            TrustMetricsFixtureLoader.LoadSynthetic(connectionString, trusts.SkipLast(1).Select(t => (t.Code, t.Name)), [new(2024, 10, 1), new(2024, 11, 1), new(2024, 12, 1)]);
            var db = new DatabaseProbe(connectionString);
            string october = db.Scalar("SELECT string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE period = '2024-10-01'");
            string untouched = db.Scalar("SELECT string_agg((id, trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data, ae_data, created_at)::text, E'\\n' ORDER BY id) FROM trust_metrics");

            using var session = new PowerShellSession();
            ScriptResult run = session.Run("Import-CommunityWorkbook -Path \"$dir/*.xlsx\" | ConvertTo-CommunityJsonb | Update-TrustMetrics -ConnectionString $cs",
                new Dictionary<string, object?> { ["dir"] = folder, ["cs"] = connectionString });

            Assert.Empty(run.Errors);
            var results = run.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).ToList();
            Assert.All(results.Where(r => r.TrustCode == missing), r => Assert.Equal(TrustMetricsWriteStatus.NotInDatabase, r.Status));
            Assert.All(results.Where(r => r.TrustCode != missing), r => Assert.Equal(TrustMetricsWriteStatus.Updated, r.Status));

            int compared = 0;
            foreach (var (trust, period, json) in db.Documents())
            {
                SyntheticWorkbook workbook = workbooks[period];
                int organisation = workbook.IndexOfOrganisation(trust);
                using JsonDocument document = JsonDocument.Parse(json);
                for (int s = 0; s < workbook.Services.Count; s++)
                {
                    ServiceDefinition service = workbook.Services[s];
                    string section = service.Category == ServiceCategory.Adult ? "adult_services" : "cyp_services";
                    bool present = document.RootElement.GetProperty(section).TryGetProperty(service.Key, out JsonElement figures);
                    foreach (WaitBand band in Enum.GetValues<WaitBand>())
                    {
                        int? cell = workbook.Value(band, organisation, s);
                        bool stored = present && figures.TryGetProperty(BandCatalogue.JsonKey(band), out JsonElement value);
                        Assert.True(cell.HasValue == stored || !workbook.Split52 && band is WaitBand.Wait52To104Weeks or WaitBand.Wait104PlusWeeks,
                            $"{trust} {period:yyyy-MM} {section}.{service.Key}.{BandCatalogue.JsonKey(band)}: workbook {cell?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "blank"}, database {(stored ? "has it" : "has not")}");
                        if (cell.HasValue && stored)
                        {
                            Assert.Equal(cell.Value, figures.GetProperty(BandCatalogue.JsonKey(band)).GetInt64());
                            compared++;
                        }
                    }
                }
            }

            Assert.True(compared > 1000, $"only {compared} numbers compared");
            Assert.Equal(october, db.Scalar("SELECT string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE period = '2024-10-01'"));
            Assert.Equal(untouched, db.Scalar("SELECT string_agg((id, trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data, ae_data, created_at)::text, E'\\n' ORDER BY id) FROM trust_metrics"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class DatabaseProbe(string connectionString)
    {
        public string Scalar(string sql)
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        public List<(string Trust, DateTime Period, string Json)> Documents()
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT trust_code, period, community_data::text FROM trust_metrics WHERE community_data IS NOT NULL ORDER BY 1, 2", connection);
            using NpgsqlDataReader reader = command.ExecuteReader();
            var documents = new List<(string, DateTime, string)>();
            while (reader.Read())
            {
                documents.Add((reader.GetString(0), reader.GetDateTime(1), reader.GetString(2)));
            }

            return documents;
        }
    }
}
