using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Workbooks;
using Npgsql;

namespace NhsCommunity.Tests.Coverage;

/// <summary>Test-CommunityCoverage's core on the fixture table backfilled from the four real workbooks.</summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class RealBackfillCoverageTests
{
    private readonly RealBackfillFixture _fixture;

    public RealBackfillCoverageTests(RealBackfillFixture fixture) => _fixture = fixture;

    private NpgsqlConnection Open()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        return connection;
    }

    [SkippableFact]
    public void Backfilled_documents_pass_every_contract_check()
    {
        using NpgsqlConnection connection = Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope());
        var contract = CoverageChecks.All.Where(c => c.IsContractCheck).Select(c => c.Name).ToHashSet();
        Assert.DoesNotContain(report.Findings, f => contract.Contains(f.Check) && f.Severity == FindingSeverity.Error);
        // Every service key of the real workbooks is the catalogue's (the reader matched every header).
        Assert.DoesNotContain(report.Findings, f => f.Check is "DuplicateRow" or "NotTrustCode" or "UnknownService");
        Assert.True(report.Passed, string.Join("\n", report.Findings.Where(f => f.Severity == FindingSeverity.Error).Take(10)));
        Assert.Equal(1812, report.Rows);
        Assert.Equal(151, report.Trusts);
        Assert.Equal(12, report.Periods);
        Assert.Equal(_fixture.Written.Count(d => d.ServicesReported > 0), report.Documents);
    }

    [SkippableFact]
    public void Coverage_figures_equal_the_workbook_cells()
    {
        using NpgsqlConnection connection = Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope());
        var written = _fixture.Written.Select(d => (d.TrustCode, d.Period)).ToHashSet();
        var providers = _fixture.Records
            .Where(r => r.OrganisationType == OrganisationType.Provider && written.Contains((r.OrganisationCode, r.Period)))
            .GroupBy(r => (r.OrganisationCode, r.Period))
            .ToDictionary(g => g.Key);
        foreach (CoverageRow row in report.Coverage)
        {
            if (!providers.TryGetValue((row.TrustCode, row.Period), out var services))
            {
                Assert.False(row.HasData);
                continue;
            }

            Assert.Equal(services.Count(), row.ServicesReported);
            Assert.Equal(services.Sum(s => (long)(s.TotalWaiting ?? 0)), row.TotalWaiting);
            Assert.Equal(services.Count(s => s.Wait52PlusWeeks > 0), row.ServicesWith52PlusWeeks);
            Assert.Equal(services.Sum(s => (long)(s.Wait52PlusWeeks ?? 0)), row.Waiting52PlusWeeks);
        }
    }

    [SkippableFact]
    public void BandSum_findings_are_exactly_the_workbook_services_whose_bands_miss_their_total()
    {
        using NpgsqlConnection connection = Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope());
        var written = _fixture.Written.Select(d => (d.TrustCode, d.Period)).ToHashSet();
        WaitBand[] bands = [.. BandCatalogue.UpTo52Weeks, WaitBand.Wait52PlusWeeks];
        var expected = _fixture.Records
            .Where(r => r.OrganisationType == OrganisationType.Provider && written.Contains((r.OrganisationCode, r.Period)))
            .Where(r => r.TotalWaiting is not null && bands.All(b => r[b] is not null) && bands.Sum(b => r[b]!.Value) != r.TotalWaiting)
            .Select(r => $"{r.OrganisationCode} {r.Period:yyyy-MM} {(r.Category == ServiceCategory.Adult ? "adult_services" : "cyp_services")}.{r.ServiceKey}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        string[] found = report.Findings.Where(f => f.Check == "BandSum")
            .Select(f => $"{f.TrustCode} {f.Period:yyyy-MM} {f.ServicePath}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(expected); // the source has a handful a month
        Assert.Equal(expected, found);
    }

    [SkippableFact]
    public void Months_without_the_backfill_are_empty_documents_of_trusts_with_data()
    {
        using NpgsqlConnection connection = Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope());
        var withData = report.Coverage.Where(r => r.HasData).Select(r => r.TrustCode).ToHashSet();
        // The four workbooks are not consecutive: the months between them are MissingMonth, the rest EmptyDocument.
        var gapOrEmpty = report.Findings.Where(f => f.Check is "EmptyDocument" or "MissingMonth").Select(f => (f.TrustCode!, f.Period!.Value)).ToHashSet();
        var expected = report.Coverage.Where(r => !r.HasData && withData.Contains(r.TrustCode)).Select(r => (r.TrustCode, r.Period)).ToHashSet();
        Assert.Equal(expected.Order(), gapOrEmpty.Order());
    }

    [SkippableFact]
    public void SourceMismatch_finds_nothing_against_the_same_workbooks_and_exactly_a_tampered_number()
    {
        using NpgsqlConnection connection = Open();
        SourceCell[] cells = SourceCell.FromRecords(_fixture.Records).ToArray();
        CoverageReport clean = CoverageAnalyzer.Run(connection, new CoverageScope(), cells);
        Assert.DoesNotContain(clean.Findings, f => f.Check == "SourceMismatch");

        CommunityRecord victim = _fixture.Records.First(r => r.OrganisationType == OrganisationType.Provider && r.Category == ServiceCategory.Adult
            && r.Wait4To12Weeks is > 0 && _fixture.Written.Any(d => d.TrustCode == r.OrganisationCode && d.Period == r.Period));
        SetWait4To12(connection, victim, victim.Wait4To12Weeks!.Value + 1);
        try
        {
            CoverageReport tampered = CoverageAnalyzer.Run(connection, new CoverageScope(), cells);
            CoverageFinding mismatch = Assert.Single(tampered.Findings, f => f.Check == "SourceMismatch");
            Assert.Equal(victim.OrganisationCode, mismatch.TrustCode);
            Assert.Equal(victim.Period, mismatch.Period);
            Assert.Equal("adult_services." + victim.ServiceKey, mismatch.ServicePath);
            Assert.Contains($"is {victim.Wait4To12Weeks + 1} in the database but {victim.Wait4To12Weeks} in the workbook", mismatch.Detail, StringComparison.Ordinal);
        }
        finally
        {
            SetWait4To12(connection, victim, victim.Wait4To12Weeks!.Value);
        }
    }

    private static void SetWait4To12(NpgsqlConnection connection, CommunityRecord record, int value)
    {
        using var tamper = new NpgsqlCommand(
            "UPDATE trust_metrics SET community_data = jsonb_set(community_data, ARRAY['adult_services', @service, 'wait_4_12_weeks'], to_jsonb(@value)) WHERE trust_code = @code AND period = @period",
            connection);
        tamper.Parameters.AddWithValue("service", record.ServiceKey);
        tamper.Parameters.AddWithValue("value", value);
        tamper.Parameters.AddWithValue("code", record.OrganisationCode);
        tamper.Parameters.AddWithValue("period", DateOnly.FromDateTime(record.Period));
        Assert.Equal(1, tamper.ExecuteNonQuery());
    }
}
