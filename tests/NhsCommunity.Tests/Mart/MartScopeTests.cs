using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Mart;

/// <summary>
/// The report read from the mart takes its rows from the mart's documents (whose columns the planner can estimate), but
/// they must be the rows of trust_metrics in scope, as the JSONB read takes them: when rows changed behind the mart's back
/// the two sets differ, and the rows are then taken from trust_metrics.
/// </summary>
[Trait("Category", "Database")]
public sealed class MartScopeTests
{
    [SkippableFact]
    public void Rows_moved_out_of_scope_or_added_behind_the_marts_back_are_read_as_trust_metrics_scopes_them()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string cs = TestPostgres.NewDatabase("mart_scope");
        MartDatabase.Execute(cs, TrustMetricsSchema.CreateTable);
        MartDatabase.Execute(cs, NhsCommunity.Bench.CoverageHistorySql.Insert(3, 3, new DateTime(2025, 7, 1)));
        using DatabaseTarget database = DatabaseTarget.Resolve(cs);
        MartDatabase.Install(cs);
        string[] all = ["RAA|2025-05", "RAA|2025-06", "RAA|2025-07", "RAB|2025-05", "RAB|2025-06", "RAB|2025-07", "RAC|2025-05", "RAC|2025-06", "RAC|2025-07"];
        Assert.Equal(all, Keys(CoverageAnalyzer.Run(database, new CoverageScope())));

        // With the mart's triggers off: one row leaves the scope (the mart still holds it as monthly), and one row is
        // added that the mart does not hold, both of one trust (so of one part of the report). The mart's documents in
        // scope are then as many as trust_metrics has, but not the same rows.
        MartDatabase.Execute(cs, """
            ALTER TABLE trust_metrics DISABLE TRIGGER community_mart_update;
            ALTER TABLE trust_metrics DISABLE TRIGGER community_mart_insert;
            UPDATE trust_metrics SET data_type = 'annual' WHERE trust_code = 'RAA' AND period = '2025-06-01';
            INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, icb_name, community_data)
            SELECT trust_code, trust_name, DATE '2025-08-01', data_type, icb_code, icb_name, community_data FROM trust_metrics WHERE trust_code = 'RAA' AND period = '2025-07-01';
            ALTER TABLE trust_metrics ENABLE TRIGGER community_mart_update;
            ALTER TABLE trust_metrics ENABLE TRIGGER community_mart_insert;
            """);

        CoverageReport report = CoverageAnalyzer.Run(database, new CoverageScope());
        Assert.Contains(report.Checks, c => c.Name == "MartReconciliation");
        // Coverage is of the rows in scope that the mart holds: not RAA's June (annual now), nor its August (not in the mart).
        Assert.Equal(["RAA|2025-05", "RAA|2025-07", "RAB|2025-05", "RAB|2025-06", "RAB|2025-07", "RAC|2025-05", "RAC|2025-06", "RAC|2025-07"], Keys(report));
        CoverageFinding missing = Assert.Single(report.Findings, f => f.Check == "MartReconciliation" && f.TrustCode == "RAA");
        Assert.Equal(new Month(2025, 8), missing.Period);
        Assert.StartsWith("reconciliation (rows of trust_metrics): the row (data_type 'monthly') is not in the mart. Run Install-CommunityMart", missing.Detail, StringComparison.Ordinal);
        CoverageFinding gap = Assert.Single(report.Findings, f => f.TrustCode == "RAA" && f.Period == new Month(2025, 6));
        Assert.Equal("MissingMonth|No row for this month, between 2025-05 and 2025-07, which have data.", gap.Check + "|" + gap.Detail);

        // A rebuild reads the rows as they are now.
        MartDatabase.Install(cs);
        report = CoverageAnalyzer.Run(database, new CoverageScope());
        Assert.Equal(["RAA|2025-05", "RAA|2025-07", "RAA|2025-08", "RAB|2025-05", "RAB|2025-06", "RAB|2025-07", "RAC|2025-05", "RAC|2025-06", "RAC|2025-07"], Keys(report));
        Assert.DoesNotContain(report.Findings, f => f.Check.StartsWith("Mart", StringComparison.Ordinal));
    }

    private static string[] Keys(CoverageReport report) =>
        report.Coverage.Select(r => r.TrustCode + "|" + r.Period.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
