using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Workbooks;
using static NhsCommunity.Tests.Documents.RecordFactory;

namespace NhsCommunity.Tests.Documents;

[Trait("Category", "Unit")]
public class CommunityDocumentBuilderTests
{
    private static List<CommunityRecord> AugustRgt() =>
    [
        Provider("RGT", August2024, ServiceCategory.CYP, "therapy_ot", [50, 5, 5, 10, 10, 10, 10, 0]),
        Provider("RGT", August2024, ServiceCategory.Adult, "msk_service", [0, 0, 0, 0, 0, 0, 0, 0]),
        Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [100, 10, 20, 30, 20, 10, 5, 5]),
        Provider("RGT", August2024, ServiceCategory.Adult, "community_nursing", [40, 1, 2, 3, 4, 5, 6, 7]),
    ];

    [Fact]
    public void An_unsplit_month_gives_exactly_the_contract_shape()
    {
        CommunityDocument document = Assert.Single(CommunityDocumentBuilder.Build(AugustRgt()).Documents);

        string expected = """
            {"adult_services":{
            "audiology":{"total_waiting":100,"wait_0_1_weeks":10,"wait_1_2_weeks":20,"wait_2_4_weeks":30,"wait_4_12_weeks":20,"wait_12_18_weeks":10,"wait_18_52_weeks":5,"wait_52_plus_weeks":5},
            "community_nursing":{"total_waiting":40,"wait_0_1_weeks":1,"wait_1_2_weeks":2,"wait_2_4_weeks":3,"wait_4_12_weeks":4,"wait_12_18_weeks":5,"wait_18_52_weeks":6,"wait_52_plus_weeks":7},
            "msk_service":{"total_waiting":0,"wait_0_1_weeks":0,"wait_1_2_weeks":0,"wait_2_4_weeks":0,"wait_4_12_weeks":0,"wait_12_18_weeks":0,"wait_18_52_weeks":0,"wait_52_plus_weeks":0}},
            "cyp_services":{"therapy_ot":{"total_waiting":50,"wait_0_1_weeks":5,"wait_1_2_weeks":5,"wait_2_4_weeks":10,"wait_4_12_weeks":10,"wait_12_18_weeks":10,"wait_18_52_weeks":10,"wait_52_plus_weeks":0}},
            "metadata":{"services_reported":4,"total_waiting_all_services":190,"services_with_52plus_breaches":2,"last_updated":"2024-10-11",
            "source_file":"august.xlsx","band_sum_mismatches":["adult_services.community_nursing"],"blank_bands":[]}}
            """.ReplaceLineEndings("");
        Assert.Equal(expected, document.Json);
        Assert.Equal("RGT", document.TrustCode);
        Assert.Equal(August2024, document.Period);
        Assert.Equal(4, document.ServicesReported);
        Assert.Equal(190, document.TotalWaitingAllServices);
        Assert.Equal(2, document.ServicesWith52PlusBreaches);
        Assert.Equal(new DateTime(2024, 10, 11), document.LastUpdated);
        Assert.Equal("august.xlsx", document.SourceFile);
        Assert.False(document.HasSplit52Weeks);
        Assert.Equal(["adult_services.community_nursing"], document.BandSumMismatches);
    }

    [Fact]
    public void A_split_month_adds_the_two_split_keys_after_the_eight()
    {
        var records = new[]
        {
            Provider("RGT", December2024, ServiceCategory.Adult, "podiatry", [30, 1, 2, 3, 4, 5, 6, 9, 7, 2], sourceFile: "december.xlsx"),
        };

        CommunityDocument document = Assert.Single(CommunityDocumentBuilder.Build(records).Documents);

        Assert.StartsWith(
            """{"adult_services":{"podiatry":{"total_waiting":30,"wait_0_1_weeks":1,"wait_1_2_weeks":2,"wait_2_4_weeks":3,"wait_4_12_weeks":4,"wait_12_18_weeks":5,"wait_18_52_weeks":6,"wait_52_plus_weeks":9,"wait_52_104_weeks":7,"wait_104_plus_weeks":2}},"cyp_services":{},"metadata":""",
            document.Json);
        Assert.True(document.HasSplit52Weeks);
        Assert.Empty(document.BandSumMismatches);
    }

    [Fact]
    public void A_split_that_does_not_add_up_to_52_plus_is_a_band_sum_mismatch()
    {
        var records = new[] { Provider("RGT", December2024, ServiceCategory.Adult, "podiatry", [30, 1, 2, 3, 4, 5, 6, 9, 7, 1]) };

        CommunityDocument document = Assert.Single(CommunityDocumentBuilder.Build(records).Documents);

        Assert.Equal(["adult_services.podiatry"], document.BandSumMismatches);
    }

    [Fact]
    public void Blank_bands_are_left_out_and_listed_zeros_are_kept_and_unreported_services_are_absent()
    {
        var records = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [12, 0, null, 4, 4, 2, 2, 0]),
            Provider("RGT", August2024, ServiceCategory.CYP, "audiology", [null, null, null, null, null, null, null, null]),
        };

        CommunityDocument document = Assert.Single(CommunityDocumentBuilder.Build(records).Documents);
        using JsonDocument json = JsonDocument.Parse(document.Json);
        JsonElement audiology = json.RootElement.GetProperty("adult_services").GetProperty("audiology");

        Assert.False(audiology.TryGetProperty("wait_1_2_weeks", out _));
        Assert.Equal(0, audiology.GetProperty("wait_0_1_weeks").GetInt32());
        Assert.Equal(7, audiology.EnumerateObject().Count());
        Assert.Empty(json.RootElement.GetProperty("cyp_services").EnumerateObject());
        Assert.Equal(["adult_services.audiology.wait_1_2_weeks"], document.BlankBands);
        Assert.Equal(
            ["adult_services.audiology.wait_1_2_weeks"],
            json.RootElement.GetProperty("metadata").GetProperty("blank_bands").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(document.BandSumMismatches); // cannot be checked with a band missing
        Assert.Equal(1, document.ServicesReported);
    }

    [Fact]
    public void Metadata_figures_equal_those_computed_from_the_records()
    {
        var random = new Random(20240801);
        string[] keys = ["audiology", "podiatry", "msk_service", "therapy_ot", "ltc_falls"];
        var records = new List<CommunityRecord>();
        foreach (ServiceCategory category in new[] { ServiceCategory.Adult, ServiceCategory.CYP })
        {
            foreach (string key in keys)
            {
                int?[] bands = [.. Enumerable.Range(0, 7).Select(_ => (int?)random.Next(0, 3) * random.Next(0, 500))];
                records.Add(Provider("RXX", August2024, category, key, [bands.Sum(), .. bands]));
            }
        }

        CommunityDocument document = Assert.Single(CommunityDocumentBuilder.Build(records).Documents);
        using JsonDocument json = JsonDocument.Parse(document.Json);
        JsonElement metadata = json.RootElement.GetProperty("metadata");

        Assert.Equal(records.Count, metadata.GetProperty("services_reported").GetInt32());
        Assert.Equal(records.Sum(r => (long)r.TotalWaiting!), metadata.GetProperty("total_waiting_all_services").GetInt64());
        Assert.Equal(records.Count(r => r.Wait52PlusWeeks > 0), metadata.GetProperty("services_with_52plus_breaches").GetInt32());
        Assert.Equal(metadata.GetProperty("total_waiting_all_services").GetInt64(), document.TotalWaitingAllServices);
        foreach (CommunityRecord record in records)
        {
            JsonElement service = json.RootElement
                .GetProperty(record.Category == ServiceCategory.CYP ? "cyp_services" : "adult_services")
                .GetProperty(record.ServiceKey);
            foreach (BandDefinition band in BandCatalogue.All.Take(8))
            {
                Assert.Equal(record[band.Band], service.GetProperty(band.JsonKey).GetInt32());
            }
        }
    }

    [Fact]
    public void The_same_records_in_any_order_give_byte_identical_documents()
    {
        var records = new List<CommunityRecord>(AugustRgt());
        records.AddRange(AugustRgt().Select(r => Provider("TAD", r.Period, r.Category, r.ServiceKey, [r.TotalWaiting, r.Wait0To1Weeks, r.Wait1To2Weeks, r.Wait2To4Weeks, r.Wait4To12Weeks, r.Wait12To18Weeks, r.Wait18To52Weeks, r.Wait52PlusWeeks])));
        records.Add(Provider("RGT", December2024, ServiceCategory.Adult, "podiatry", [30, 1, 2, 3, 4, 5, 6, 9, 7, 2], sourceFile: "december.xlsx"));
        string[] reference = CommunityDocumentBuilder.Build(records).Documents.Select(d => d.Json).ToArray();

        for (int seed = 1; seed <= 20; seed++)
        {
            var shuffled = records.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(reference, CommunityDocumentBuilder.Build(shuffled).Documents.Select(d => d.Json).ToArray());
        }
    }

    [Fact]
    public void Documents_come_sorted_by_period_then_trust_code()
    {
        var records = new[]
        {
            Provider("RGT", December2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            Provider("TAD", August2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0]),
            Provider("R0A", December2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0]),
        };

        var order = CommunityDocumentBuilder.Build(records).Documents.Select(d => $"{d.Period:yyyy-MM} {d.TrustCode}");

        Assert.Equal(["2024-08 RGT", "2024-08 TAD", "2024-12 R0A", "2024-12 RGT"], order);
    }

    [Fact]
    public void Only_NHS_trusts_get_documents_by_default_TAD_included()
    {
        int?[] bands = [3, 1, 1, 1, 0, 0, 0, 0];
        var records = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", bands),
            Provider("TAD", August2024, ServiceCategory.Adult, "audiology", bands),
            Provider("NQV", August2024, ServiceCategory.Adult, "audiology", bands),
            Provider("AXG", August2024, ServiceCategory.Adult, "audiology", bands),
            Provider("", August2024, ServiceCategory.Adult, "audiology", bands, type: OrganisationType.National),
            Provider("Y56", August2024, ServiceCategory.Adult, "audiology", bands, type: OrganisationType.Region),
            Provider("QE1", August2024, ServiceCategory.Adult, "audiology", bands, type: OrganisationType.ICB),
            Provider("RXX", August2024, ServiceCategory.Adult, "audiology", bands, type: OrganisationType.ICB),
        };

        Assert.Equal(["RGT", "TAD"], CommunityDocumentBuilder.Build(records).Documents.Select(d => d.TrustCode));
        Assert.Equal(["AXG", "NQV", "RGT", "TAD"], CommunityDocumentBuilder.Build(records, includeNonNhs: true).Documents.Select(d => d.TrustCode));

        var builder = new CommunityDocumentBuilder();
        Assert.Equal(
            [RecordDisposition.Accepted, RecordDisposition.Accepted, RecordDisposition.NotNhsTrust, RecordDisposition.NotNhsTrust,
             RecordDisposition.NotProvider, RecordDisposition.NotProvider, RecordDisposition.NotProvider, RecordDisposition.NotProvider],
            records.Select(builder.Add));
    }

    [Fact]
    public void The_latest_edition_of_a_month_replaces_the_earlier_one_whole()
    {
        var original = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0], new DateTime(2024, 10, 10), "/data/original.xlsx"),
            Provider("RGT", August2024, ServiceCategory.Adult, "podiatry", [1, 1, 0, 0, 0, 0, 0, 0], new DateTime(2024, 10, 10), "/data/original.xlsx"),
        };
        var revised = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [4, 2, 1, 1, 0, 0, 0, 0], new DateTime(2024, 11, 14), @"C:\data\revised.xlsx"),
        };

        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build([.. revised, .. original]);

        CommunityDocument document = Assert.Single(batch.Documents);
        Assert.Equal(CommunityDocumentBuilder.Build(revised).Documents.Single().Json, document.Json);
        Assert.Contains("\"source_file\":\"revised.xlsx\"", document.Json);
        Assert.Contains("\"last_updated\":\"2024-11-14\"", document.Json);
        Assert.DoesNotContain("podiatry", document.Json);
        Assert.Contains("original.xlsx", Assert.Single(batch.SupersededEditions));
        Assert.Empty(batch.Problems);
    }

    [Fact]
    public void Two_different_editions_with_the_same_date_leave_the_month_out_with_a_problem()
    {
        var date = new DateTime(2024, 10, 10);
        var records = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0], date, "a.xlsx"),
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [4, 2, 1, 1, 0, 0, 0, 0], date, "b.xlsx"),
            Provider("RGT", December2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], sourceFile: "december.xlsx"),
        };

        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(records);

        Assert.Equal(December2024, Assert.Single(batch.Documents).Period);
        DocumentProblem problem = Assert.Single(batch.Problems);
        Assert.Equal(DocumentProblemKind.ConflictingEditions, problem.Kind);
        Assert.Equal(August2024, problem.Period);
        Assert.Contains("'a.xlsx'", problem.Message);
        Assert.Contains("'b.xlsx'", problem.Message);
    }

    [Fact]
    public void The_same_workbook_under_two_names_is_used_once_under_the_first_name()
    {
        var date = new DateTime(2024, 10, 10);
        var records = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0], date, "/x/copy.xlsx"),
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0], date, "/y/august.xlsx"),
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0], date, "/y/august.xlsx"),
        };

        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(records);

        Assert.Empty(batch.Problems);
        Assert.Equal("august.xlsx", Assert.Single(batch.Documents).SourceFile);
        Assert.Single(batch.SupersededEditions);
    }

    [Fact]
    public void Two_different_records_for_one_service_in_one_workbook_leave_that_trust_out_with_a_problem()
    {
        var records = new[]
        {
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [3, 1, 1, 1, 0, 0, 0, 0]),
            Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [5, 1, 1, 1, 2, 0, 0, 0]),
            Provider("TAD", August2024, ServiceCategory.Adult, "audiology", [5, 1, 1, 1, 2, 0, 0, 0]),
        };

        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(records);

        Assert.Equal("TAD", Assert.Single(batch.Documents).TrustCode);
        DocumentProblem problem = Assert.Single(batch.Problems);
        Assert.Equal(DocumentProblemKind.ConflictingRecords, problem.Kind);
        Assert.Equal("RGT", problem.TrustCode);
    }

    [Fact]
    public void A_month_without_a_publication_date_writes_last_updated_as_null()
    {
        var record = Provider("RGT", August2024, ServiceCategory.Adult, "audiology", [1, 1, 0, 0, 0, 0, 0, 0]);
        var undated = new CommunityRecord
        {
            Period = record.Period, OrganisationType = record.OrganisationType, OrganisationCode = record.OrganisationCode,
            Category = record.Category, ServiceKey = record.ServiceKey, TotalWaiting = 1, Wait0To1Weeks = 1,
            Wait1To2Weeks = 0, Wait2To4Weeks = 0, Wait4To12Weeks = 0, Wait12To18Weeks = 0, Wait18To52Weeks = 0, Wait52PlusWeeks = 0,
            LastUpdated = null, SourceFile = "x.xlsx",
        };

        Assert.Contains("\"last_updated\":null", Assert.Single(CommunityDocumentBuilder.Build([undated]).Documents).Json);
    }
}
