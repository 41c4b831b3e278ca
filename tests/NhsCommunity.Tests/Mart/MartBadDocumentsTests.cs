using System.Text.Json;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Mart;
using NhsCommunity.Tests.Coverage;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Mart;

/// <summary>
/// The hand-made bad documents of every coverage check, and a few more that the triggers' fast way cannot read (JSON
/// nulls, a whole number written 1.0, a number beyond bigint, an array in a service): whether the triggers read them in
/// one statement, one row at a time, or mixed with plain ones, the fact follows the documents, the report from the mart
/// equals the report from the JSONB, and the mart's tests find the same whether they read only the trust-months where
/// something can be found or every row.
/// </summary>
[Trait("Category", "Database")]
public sealed class MartBadDocumentsTests
{
    [SkippableFact]
    public void Every_way_the_triggers_read_the_bad_documents_gives_the_JSONB_report_and_the_same_mart_findings()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var fixture = new BadDocumentsFixture();
        string cs = fixture.ConnectionString;
        const string Copy = "INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, community_data) SELECT '{0}', trust_name, period, data_type, icb_code, {1} FROM trust_metrics WHERE trust_code = 'R0A' AND period = '2025-01-01'";
        foreach (var (code, document) in new[]
        {
            ("RX1", "jsonb_set(jsonb_set(community_data, '{adult_services,audiology,wait_52_104_weeks}', 'null'), '{adult_services,audiology,wait_104_plus_weeks}', 'null')"),
            ("RX2", "jsonb_set(community_data, '{adult_services,audiology,total_waiting}', '1.0')"),
            ("RX3", "jsonb_set(community_data, '{adult_services,audiology,wait_0_1_weeks}', '9300000000000000000')"),
            ("RX4", "jsonb_set(community_data, '{cyp_services,audiology}', '{\"total_waiting\": 3, \"wait_0_1_weeks\": 3, \"notes\": [1]}')"),
            ("RX5", "jsonb_set(community_data, '{adult_services,podiatry,wait_2_4_weeks}', '\"12\"')"),
        })
        {
            MartDatabase.Execute(cs, string.Format(System.Globalization.CultureInfo.InvariantCulture, Copy, code, document));
        }

        using DatabaseTarget database = DatabaseTarget.Resolve(cs);
        string jsonb = Report(database);
        Assert.Contains(CoverageAnalyzer.Run(database, new CoverageScope()).Findings, f => f.Check == "NotANumber" && f.TrustCode == "RX1");

        // In one statement (the install; a fraction makes it read every band as JSON).
        MartInstaller.Install(database);
        MartDatabase.AssertFollows(cs, "the install");
        Assert.Equal(jsonb, Report(database));
        string martFindings = MartFindings(database);
        Assert.Contains("MartUnique", martFindings, StringComparison.Ordinal);
        Assert.Contains("MartNotNull", martFindings, StringComparison.Ordinal);
        Assert.Contains("MartAcceptedValues", martFindings, StringComparison.Ordinal);

        // One row at a time: the plain ones the fast way, the others as JSON.
        MartDatabase.Execute(cs, "CREATE TABLE saved AS SELECT id, community_data FROM trust_metrics; UPDATE trust_metrics SET community_data = NULL");
        Assert.Equal(0, MartDatabase.Count(cs, "SELECT count(*) FROM community_waiting_list"));
        foreach (string id in MartDatabase.Lines(cs, "SELECT id::text FROM saved"))
        {
            MartDatabase.Execute(cs, $"UPDATE trust_metrics t SET community_data = s.community_data FROM saved s WHERE s.id = t.id AND t.id = '{id}'");
        }

        MartDatabase.AssertFollows(cs, "one row at a time");
        Assert.Equal(jsonb, Report(database));
        Assert.Equal(martFindings, MartFindings(database));

        // Plain and bad documents in one statement (no fraction there, so it stays on the fast way for the plain ones), then the rest.
        MartDatabase.Execute(cs, "UPDATE trust_metrics SET community_data = NULL");
        MartDatabase.Execute(cs, "UPDATE trust_metrics t SET community_data = s.community_data FROM saved s WHERE s.id = t.id AND t.trust_code NOT IN ('RC2', 'RX2', 'RX3')");
        MartDatabase.AssertFollows(cs, "plain and bad documents in one statement");
        MartDatabase.Execute(cs, "UPDATE trust_metrics t SET community_data = s.community_data FROM saved s WHERE s.id = t.id AND t.trust_code IN ('RC2', 'RX2', 'RX3')");
        MartDatabase.AssertFollows(cs, "the fractions and the number beyond bigint");
        Assert.Equal(jsonb, Report(database));
        Assert.Equal(martFindings, MartFindings(database));
        Assert.Equal(
            ["RX2|1", "RX3|~"],
            MartDatabase.Lines(cs, "SELECT trust_code || '|' || coalesce((CASE trust_code WHEN 'RX2' THEN total_waiting ELSE wait_0_1_weeks END)::text, '~') FROM community_waiting_list WHERE trust_code IN ('RX2', 'RX3') AND category = 'adult' AND service_key = 'audiology'"));

        // The tests reading every row (a guard disabled) find exactly what they find reading only where something can be found.
        MartDatabase.Execute(cs, "ALTER TABLE community_mart_document DISABLE TRIGGER community_mart_guard_update");
        Assert.Equal(martFindings, MartFindings(database));
    }

    /// <summary>The coverage and the document checks' findings.</summary>
    private static string Report(DatabaseTarget database)
    {
        CoverageReport report = CoverageAnalyzer.Run(database, new CoverageScope());
        return JsonSerializer.Serialize(new { report.Coverage, Findings = report.Findings.Where(f => !f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList() });
    }

    private static string MartFindings(DatabaseTarget database) =>
        JsonSerializer.Serialize(CoverageAnalyzer.Run(database, new CoverageScope()).Findings.Where(f => f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList());
}
