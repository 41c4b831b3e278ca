using System.Text.Json;
using CsCheck;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Workbooks;
using static NhsCommunity.Tests.Documents.RecordFactory;

namespace NhsCommunity.Tests.Properties;

/// <summary>
/// The documents depend on the set of records only: any order gives the same bytes; and each document's metadata
/// totals are the sums of its own services' figures.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DocumentDeterminismProperties
{
    private static readonly ServiceDefinition[] Services = [.. ServiceCatalogue.All.Where(s => !s.NationalOnly)];

    private static readonly string[] Sections = ["adult_services", "cyp_services"];

    private static readonly Gen<int?> Count = Gen.Frequency(
        (8, Gen.Int[0, 5000].Select(i => (int?)i)),
        (1, Gen.Const((int?)null)),
        (1, Gen.Const((int?)0)));

    // An unsplit (August) or split (December) month, trusts including a former care trust and a non-NHS provider,
    // and any service of the catalogue; repeated services (even with other figures) are kept, as a workbook may hold.
    private static readonly Gen<CommunityRecord> Records = Gen.Select(
        Gen.OneOfConst("RGT", "R0A", "RYJ", "TAH", "NQV", "rgt "),
        Gen.Bool,
        Gen.Int[0, Services.Length - 1],
        Count.Array[10],
        (code, split, service, bands) => Provider(
            code,
            split ? December2024 : August2024,
            Services[service].Category,
            Services[service].Key,
            split ? bands : bands[..8]));

    private static readonly Gen<CommunityRecord[]> RecordSets = Records.Array[0, 40];

    [Fact]
    public void The_same_records_in_any_order_give_byte_identical_documents() =>
        RecordSets.SelectMany(records => Gen.Shuffle(records.ToArray()).Select(shuffled => (records, shuffled)))
            .Sample((records, shuffled) =>
            {
                CommunityDocumentBatch first = CommunityDocumentBuilder.Build(records);
                CommunityDocumentBatch second = CommunityDocumentBuilder.Build(shuffled);

                Assert.Equal(first.Documents.Select(Identity), second.Documents.Select(Identity));
                Assert.Equal(first.Problems.Select(p => p.ToString()), second.Problems.Select(p => p.ToString()));
            }, iter: 500);

    [Fact]
    public void The_metadata_totals_are_the_sums_of_the_services_written() =>
        RecordSets.Sample(records =>
        {
            foreach (CommunityDocument document in CommunityDocumentBuilder.Build(records).Documents)
            {
                using JsonDocument json = JsonDocument.Parse(document.Json);
                JsonElement root = json.RootElement;
                var services = Sections
                    .SelectMany(section => root.GetProperty(section).EnumerateObject())
                    .Select(p => p.Value)
                    .ToList();
                long total = services.Sum(s => s.TryGetProperty("total_waiting", out JsonElement t) ? t.GetInt64() : 0);
                int breaches = services.Count(s => s.TryGetProperty("wait_52_plus_weeks", out JsonElement w) && w.GetInt64() > 0);

                JsonElement metadata = root.GetProperty("metadata");
                Assert.Equal(services.Count, metadata.GetProperty("services_reported").GetInt32());
                Assert.Equal(total, metadata.GetProperty("total_waiting_all_services").GetInt64());
                Assert.Equal(breaches, metadata.GetProperty("services_with_52plus_breaches").GetInt32());
                Assert.Equal((services.Count, total, breaches), (document.ServicesReported, document.TotalWaitingAllServices, document.ServicesWith52PlusBreaches));
            }
        }, iter: 500);

    private static (string, DateTime, string) Identity(CommunityDocument d) => (d.TrustCode, d.Period, d.Json);
}
