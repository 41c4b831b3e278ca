using System.Text.Json.Nodes;
using NhsCommunity.Coverage;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;
using static NhsCommunity.Tests.Coverage.BadDocumentsFixture;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Coverage;

/// <summary>Every check against a hand-made bad document: each must be found, and clean trusts give none.</summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class CoverageCheckTests
{
    private readonly BadDocumentsFixture _fixture;

    public CoverageCheckTests(BadDocumentsFixture fixture) => _fixture = fixture;

    private CoverageReport Report
    {
        get
        {
            Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
            return _fixture.Report!;
        }
    }

    [SkippableTheory]
    [InlineData("InvalidDocument", "RA1", null, "JSON string")]
    [InlineData("InvalidDocument", "RA2", "cyp_services", "JSON array")]
    [InlineData("InvalidDocument", "RA3", "adult_services.audiology", "JSON number")]
    [InlineData("MissingKey", "RB1", null, "\"metadata\"")]
    [InlineData("MissingKey", "RB2", "metadata", "\"last_updated\"")]
    [InlineData("MissingKey", "RB3", "adult_services.audiology", "\"wait_4_12_weeks\"")]
    [InlineData("MissingKey", "RB4", "adult_services.audiology", "no \"wait_104_plus_weeks\"")]
    [InlineData("MissingKey", "RB5", "adult_services.audiology", "\"wait_12_18_weeks\": blank in the workbook")]
    [InlineData("NotANumber", "RC1", "adult_services.audiology", "\"total_waiting\" is a JSON string")]
    [InlineData("NotANumber", "RC2", "adult_services.audiology", "1.5, not a whole number")]
    [InlineData("NotANumber", "RC3", "metadata", "\"services_reported\" is a JSON string")]
    [InlineData("NegativeCount", "RD1", "adult_services.audiology", "\"wait_1_2_weeks\" is -3")]
    [InlineData("SplitSum", "RE1", "adult_services.audiology", "wait_52_plus_weeks is")]
    [InlineData("MetadataMismatch", "RF1", "metadata", "\"services_reported\" is 99 but the services give 3")]
    [InlineData("MetadataMismatch", "RF2", "metadata", "\"total_waiting_all_services\"")]
    [InlineData("MetadataMismatch", "RF3", "metadata", "\"services_with_52plus_breaches\" is 0 but the services give 3")]
    [InlineData("UnknownService", "RG1", "adult_services.audiologee", "not a known adult service key")]
    [InlineData("BandSum", "RH1", "adult_services.audiology", "(-50)")]
    [InlineData("BandSum", "RH2", "adult_services.audiology", "(-1)")]
    [InlineData("EmptyDocument", "RI1", null, "{}")]
    [InlineData("EmptyDocument", "RI2", null, "JSON null")]
    [InlineData("EmptyDocument", "RI3", null, "no services")]
    [InlineData("EmptyDocument", "RI4", null, "No document, although the trust has data in 2 other month(s)")]
    [InlineData("MissingMonth", "RJ1", null, "The row has no document, between 2024-08 and 2024-10")]
    [InlineData("MissingMonth", "RJ2", null, "No row for this month, between 2024-08 and 2024-10")]
    [InlineData("DuplicateRow", "RK1", null, "2 rows")]
    [InlineData("DuplicateRow", "RK2", null, "'Monthly'")]
    [InlineData("NotTrustCode", "NQV", null, "not an NHS trust code")]
    [InlineData("NotTrustCode", "QOP", null, "not an NHS trust code")]
    public void Every_check_finds_its_bad_document(string check, string trust, string? service, string detail)
    {
        CoverageFinding[] found = Report.Findings.Where(f => f.Check == check && f.TrustCode == trust).ToArray();
        Assert.True(found.Length > 0, $"{check} found nothing for {trust}; it found: " + string.Join("; ", Report.Findings.Where(f => f.TrustCode == trust)));
        Assert.Contains(found, f => f.ServicePath == service && f.Detail.Contains(detail, StringComparison.Ordinal));
        Assert.All(found, f => Assert.Equal(CoverageChecks.Find(check)!.Name, f.Check));
    }

    [SkippableFact]
    public void Every_check_except_SourceMismatch_has_a_bad_document_here()
    {
        var found = Report.Findings.Select(f => f.Check).ToHashSet();
        foreach (CoverageCheck check in CoverageChecks.All.Where(c => !c.NeedsSource))
        {
            Assert.Contains(check.Name, found);
        }
    }

    [SkippableFact]
    public void Findings_carry_the_right_month_and_severity()
    {
        Assert.All(Report.Findings.Where(f => CoverageChecks.Find(f.Check)!.Severity == FindingSeverity.Error && f.TrustCode != "RB5"), f => Assert.Equal(FindingSeverity.Error, f.Severity));
        Assert.Equal(FindingSeverity.Info, Report.Findings.Single(f => f is { Check: "MissingKey", TrustCode: "RB5" }).Severity);
        Assert.All(Report.Findings.Where(f => f.Check is "EmptyDocument" or "MissingMonth" or "UnknownService"), f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.All(Report.Findings.Where(f => f.Check is not ("NotTrustCode")), f => Assert.NotNull(f.Period));
        Assert.Contains(Report.Findings, f => f is { Check: "MissingMonth", TrustCode: "RJ2" } && f.Period == Month(2024, 9));
        Assert.Contains(Report.Findings, f => f is { Check: "EmptyDocument", TrustCode: "RI4" } && f.Period == Month(2024, 11));
        Assert.Equal(FindingSeverity.Warning, Report.Findings.Single(f => f is { Check: "BandSum", TrustCode: "RH1" }).Severity);
        Assert.Equal(FindingSeverity.Info, Report.Findings.Single(f => f is { Check: "BandSum", TrustCode: "RH2" }).Severity);
        Assert.False(Report.Passed);
    }

    [SkippableFact]
    public void A_null_row_between_months_with_data_is_a_missing_month_not_an_empty_document()
    {
        Assert.DoesNotContain(Report.Findings, f => f is { Check: "EmptyDocument", TrustCode: "RJ1" or "RJ2" });
    }

    [SkippableFact]
    public void Clean_trusts_have_no_findings_and_coverage_matches_their_documents()
    {
        Assert.DoesNotContain(Report.Findings, f => BadDocumentsFixture.CleanTrusts.Contains(f.TrustCode!));
        foreach (var ((code, period), document) in _fixture.CleanDocuments)
        {
            CoverageRow row = Report.Coverage.Single(r => r.TrustCode == code && r.Period == period);
            var services = document["adult_services"]!.AsObject().Concat(document["cyp_services"]!.AsObject()).Select(p => p.Value!).ToArray();
            Assert.True(row.HasData);
            Assert.Equal(services.Length, row.ServicesReported);
            Assert.Equal(services.Sum(s => s["total_waiting"]!.GetValue<long>()), row.TotalWaiting);
            Assert.Equal(services.Count(s => s["wait_52_plus_weeks"]!.GetValue<long>() > 0), row.ServicesWith52PlusWeeks);
            Assert.Equal(services.Sum(s => s["wait_52_plus_weeks"]!.GetValue<long>()), row.Waiting52PlusWeeks);
        }
    }

    [SkippableFact]
    public void Summary_figures_and_findings_by_check_agree_with_the_rows()
    {
        CoverageReport report = Report;
        Assert.Equal(report.Coverage.Select(r => r.TrustCode).Distinct().Count(), report.Trusts);
        Assert.Equal(6, report.Periods); // August 2024 .. January 2025
        Assert.Equal(report.Coverage.Count(r => r.HasData), report.Documents);
        foreach (var (check, count) in report.FindingsByCheck)
        {
            Assert.Equal(report.Findings.Count(f => f.Check == check), count);
        }

        Assert.Equal(report.Findings.Count, report.FindingsByCheck.Values.Sum());
    }

    [SkippableFact]
    public void The_matrix_has_a_column_per_month_and_marks_rows_without_data()
    {
        CoverageMatrix matrix = Report.ToMatrix();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Month(2024, 8).AddMonths(i)), matrix.Periods);
        CoverageMatrixRow rj1 = matrix.Rows.Single(r => r.TrustCode == "RJ1");
        CoverageMatrixRow rj2 = matrix.Rows.Single(r => r.TrustCode == "RJ2");
        Assert.Equal(0, rj1[Month(2024, 9)]);
        Assert.Null(rj2[Month(2024, 9)]);
        Assert.Equal(3, rj2[Month(2024, 8)]);
        Assert.Equal(["TrustCode", "TrustName", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01"], rj1.ToDictionary().Keys.Cast<string>());
        Assert.Equal(Report.Trusts, matrix.Rows.Count);
    }

    [SkippableFact]
    public void Each_check_printed_with_literals_runs_on_its_own_and_finds_the_same()
    {
        using var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        foreach (CoverageCheck check in Report.Checks)
        {
            using var command = new NpgsqlCommand(Report.SqlOf(check), connection);
            using var reader = command.ExecuteReader();
            int rows = 0;
            while (reader.Read())
            {
                rows++;
            }

            Assert.Equal(Report.FindingsByCheck[check.Name], rows);
        }
    }

    [SkippableFact]
    public void A_clean_table_gives_no_findings_at_all()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var db = new CoverageTestDatabase("coverage_clean");
        for (int i = 0; i < 5; i++)
        {
            DateTime period = Month(2024, 10).AddMonths(i);
            db.Insert("RGT", period, Typical(period, i).ToJsonString());
            db.Insert("TAD", period, Typical(period, i + 7).ToJsonString());
        }

        CoverageReport report = CoverageAnalyzer.Run(db.Connection, new CoverageScope());
        Assert.Empty(report.Findings);
        Assert.True(report.Passed);
        Assert.Equal(10, report.Documents);
    }

    [SkippableFact]
    public void Scope_filters_months_and_trusts()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope { From = Month(2024, 9).AddDays(14), To = Month(2024, 10), TrustCodes = ["rgt", "RJ2"] });
        Assert.Equal(["RGT", "RJ2"], report.Coverage.Select(r => r.TrustCode).Distinct().Order());
        Assert.All(report.Coverage, r => Assert.InRange(r.Period, Month(2024, 9), Month(2024, 10)));
    }

    [SkippableFact]
    public void SourceMismatch_compares_every_band_with_its_cell()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var db = new CoverageTestDatabase("coverage_source");
        JsonObject document = Typical(Jan, 3);
        db.Insert("RGT", Jan, document.ToJsonString());

        // The workbook as the document says, then three differences.
        var cells = new List<SourceCell>();
        foreach (string category in new[] { "adult_services", "cyp_services" })
        {
            foreach (var (key, service) in document[category]!.AsObject())
            {
                foreach (string band in CoverageSql.AllBandKeys)
                {
                    cells.Add(new SourceCell("RGT", Jan, category == "cyp_services" ? Catalogue.ServiceCategory.CYP : Catalogue.ServiceCategory.Adult, key, band, service![band]?.GetValue<long>()));
                }
            }
        }

        Assert.Empty(CoverageAnalyzer.Run(db.Connection, new CoverageScope(), cells).Findings);

        int changed = cells.FindIndex(c => c is { ServiceKey: "podiatry", BandKey: "wait_2_4_weeks" });
        cells[changed] = cells[changed] with { Value = cells[changed].Value + 7 };
        cells.RemoveAll(c => c.ServiceKey == "therapy_speech_language");
        cells.Add(new SourceCell("RGT", Jan, Catalogue.ServiceCategory.Adult, "msk_service", "total_waiting", 12));
        cells.Add(new SourceCell("RXX", Jan, Catalogue.ServiceCategory.Adult, "msk_service", "total_waiting", 12)); // not in the table: ignored

        CoverageReport report = CoverageAnalyzer.Run(db.Connection, new CoverageScope(), cells);
        CoverageFinding[] mismatches = report.Findings.Where(f => f.Check == "SourceMismatch").ToArray();
        Assert.Equal(3, mismatches.Length);
        Assert.Contains(mismatches, f => f.ServicePath == "adult_services.podiatry" && f.Detail.Contains("\"wait_2_4_weeks\"", StringComparison.Ordinal));
        Assert.Contains(mismatches, f => f.ServicePath == "adult_services.msk_service" && f.Detail.Contains("absent in the database but 12", StringComparison.Ordinal));
        Assert.Contains(mismatches, f => f.ServicePath == "cyp_services.therapy_speech_language" && f.Detail.Contains("blank in the workbook", StringComparison.Ordinal));
        Assert.False(report.Passed);
    }
}
