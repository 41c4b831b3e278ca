using NhsCommunity.Backfill;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// Invoke-CommunityBackfill -WhatIf reads exactly what its help says (the trust codes, names and periods of
/// trust_metrics, to map the workbooks' providers) and writes nothing: run as a role that may read only those
/// three columns, it succeeds, and the catalog, the rows (their versions too) and the lease are as before.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class BackfillWhatIfTests
{
    [SkippableFact]
    public void WhatIf_reads_only_the_trust_list_and_creates_or_changes_nothing()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string folder = Directory.CreateTempSubdirectory("nhscommunity-whatif-").FullName;
        try
        {
            DateTime[] months = [new(2024, 11, 1), new(2024, 12, 1)];
            var workbooks = months.Select(m => new WorkbookSpec(m)).Select(s => CommunityWorkbookWriter.Write(Path.Combine(folder, s.FileName), s)).ToList();
            var trusts = workbooks.SelectMany(w => w.Organisations)
                .Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code))
                .DistinctBy(o => o.Code).Select(o => (o.Code, o.Name)).ToList();
            string owner = TestPostgres.NewDatabase("backfill_whatif");
            TrustMetricsFixtureLoader.LoadSynthetic(owner, trusts, months);
            string reader = DatabaseCatalog.WithRole(owner, "whatif", "GRANT SELECT (trust_code, trust_name, period) ON trust_metrics TO {role};");
            string catalog = DatabaseCatalog.Relations(owner);
            const string Versions = "SELECT string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t";
            string rows = DatabaseCatalog.Scalar(owner, Versions);
            using var session = new PowerShellSession();

            ScriptResult result = session.Run("Invoke-CommunityBackfill -Path $folder -ConnectionString $cs -WhatIf", new Dictionary<string, object?> { ["folder"] = folder, ["cs"] = reader });

            Assert.Empty(result.Errors);
            BackfillSummary summary = Assert.IsType<BackfillSummary>(Assert.Single(result.Output).BaseObject);
            Assert.Equal(2, summary.FilesRead);
            Assert.Equal(2, summary.MonthsSkipped);
            Assert.Equal(0, summary.MonthsWritten);
            Assert.Equal(0, summary.RoundTrips);
            Assert.Equal(0, summary.TrustsNotInDatabase);
            Assert.Equal(catalog, DatabaseCatalog.Relations(owner));
            Assert.Equal(rows, DatabaseCatalog.Scalar(owner, Versions));
            Assert.Equal("False", DatabaseCatalog.Scalar(owner, "SELECT to_regclass('community_backfill_lease') IS NOT NULL"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
