using System.Text;
using System.Text.Json.Nodes;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// The client's half of a report: a plain document gives the figures the SQL would, and anything a check could
/// fault, or the reader could misjudge, is left to the SQL.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PlainDocumentReaderTests
{
    private static readonly DateTime Split = Month(2025, 1);

    private static readonly DateTime Unsplit = Month(2024, 6);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_contract_document_is_plain_with_the_figures_of_its_services(bool withSplit)
    {
        DateTime period = withSplit ? Split : Unsplit;
        JsonObject document = Document(
            period,
            (ServiceCategory.Adult, "audiology", 1234),
            (ServiceCategory.Adult, "podiatry", 8),
            (ServiceCategory.CYP, "therapy_speech_language", 0));

        Assert.True(PlainDocumentReader.TryRead(Utf8(document), out PlainDocument plain));

        Assert.Equal(3, plain.Services);
        Assert.Equal(1234 + 8, plain.TotalWaiting);
        Assert.Equal((1234 / 10) + 0 + 0, plain.Waiting52PlusWeeks);
        Assert.Equal(1, plain.ServicesWith52PlusWeeks); // podiatry's 8 / 10 rounds to none over 52 weeks
        Assert.True(JsonNode.DeepEquals(document["metadata"], JsonNode.Parse(plain.Metadata)));
    }

    [Fact]
    public void Reads_the_text_PostgreSQL_prints_keys_beyond_the_contract_and_all()
    {
        string printed =
            """{"source": {"file": "x.xlsx"}, "metadata": {"blank_bands": [], "last_updated": "2025-02-11", "services_reported": 1, "total_waiting_all_services": 28, "services_with_52plus_breaches": 1}, "cyp_services": {}, "adult_services": {"audiology": {"total_waiting": 28, "wait_0_1_weeks": 1, "wait_1_2_weeks": 2, "wait_2_4_weeks": 3, "wait_4_12_weeks": 4, "wait_12_18_weeks": 5, "wait_18_52_weeks": 6, "wait_52_104_weeks": 5, "wait_52_plus_weeks": 7, "wait_104_plus_weeks": 2}}}""";

        Assert.True(PlainDocumentReader.TryRead(Encoding.UTF8.GetBytes(printed), out PlainDocument plain));

        Assert.Equal(new PlainDocument(1, 28, 1, 7, plain.Metadata), plain);
        Assert.StartsWith("""{"blank_bands": [], """, plain.Metadata, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<JsonObject>> NotPlain => new()
    {
        { "a service that is not an object", d => Adult(d)["audiology"] = 5 },
        { "a missing band", d => Audiology(d).Remove("wait_4_12_weeks") },
        { "half of the 52+ split", d => Audiology(d).Remove("wait_104_plus_weeks") },
        { "a key beyond the bands", d => Audiology(d)["note"] = 1 },
        { "a negative count", d => Shift(d, "wait_0_1_weeks", "wait_1_2_weeks", -2 * Value(d, "wait_0_1_weeks") - 1) },
        { "a fraction", d => Shift(d, "wait_0_1_weeks", "wait_1_2_weeks", 0.5m) },
        { "a whole number written as a fraction", d => Audiology(d)["wait_0_1_weeks"] = JsonNode.Parse($"{Value(d, "wait_0_1_weeks")}.0") },
        { "a number in a string", d => Audiology(d)["total_waiting"] = Value(d, "total_waiting").ToString(System.Globalization.CultureInfo.InvariantCulture) },
        { "a null band", d => Audiology(d)["wait_2_4_weeks"] = null },
        { "a number too long to add up safely", d => { Grow(d, "total_waiting", 1_000_000_000_000_000); Grow(d, "wait_0_1_weeks", 1_000_000_000_000_000); } },
        { "bands that do not add up to the total", d => Audiology(d)["total_waiting"] = Value(d, "total_waiting") + 1 },
        { "a split that does not add up to the 52+ band", d => Audiology(d)["wait_104_plus_weeks"] = Value(d, "wait_104_plus_weeks") + 1 },
        { "a service key the catalogue does not know", d => Adult(d)["audiologee"] = Audiology(d).DeepClone() },
        { "a CYP key among the adult services", d => Adult(d)["rapid_response"] = Audiology(d).DeepClone() },
        { "a category that is not an object", d => d["cyp_services"] = new JsonArray() },
        { "a missing category", d => d.Remove("cyp_services") },
        { "no metadata", d => d.Remove("metadata") },
        { "metadata that is not an object", d => d["metadata"] = "none" },
        { "no services at all", d => { d["adult_services"] = new JsonObject(); d["cyp_services"] = new JsonObject(); } },
    };

    [Theory]
    [MemberData(nameof(NotPlain))]
    public void Anything_a_check_could_fault_is_left_to_the_SQL(string what, Action<JsonObject> spoil)
    {
        JsonObject document = Document(Split, (ServiceCategory.Adult, "audiology", 1000), (ServiceCategory.CYP, "audiology", 10));
        Assert.True(PlainDocumentReader.TryRead(Utf8(document), out _), "the unspoilt document");

        spoil(document);

        Assert.False(PlainDocumentReader.TryRead(Utf8(document), out _), what);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[1, 2]")]
    [InlineData("\"{\\\"adult_services\\\": {}}\"")]
    [InlineData("{\"adult_services\": ")]
    [InlineData("not json")]
    public void A_document_that_is_not_a_filled_object_is_not_plain(string text) =>
        Assert.False(PlainDocumentReader.TryRead(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Nesting_too_deep_to_read_is_left_to_the_SQL_not_thrown()
    {
        string deep = "{\"adult_services\": {}, \"cyp_services\": {}, \"metadata\": {}, \"x\": " + new string('[', 200) + new string(']', 200) + "}";
        Assert.False(PlainDocumentReader.TryRead(Encoding.UTF8.GetBytes(deep), out _));
    }

    private static byte[] Utf8(JsonObject document) => Encoding.UTF8.GetBytes(document.ToJsonString());

    private static JsonObject Adult(JsonObject document) => document["adult_services"]!.AsObject();

    private static JsonObject Audiology(JsonObject document) => Adult(document)["audiology"]!.AsObject();

    private static long Value(JsonObject document, string band) => Audiology(document)[band]!.GetValue<long>();

    private static void Grow(JsonObject document, string band, long amount) => Audiology(document)[band] = Value(document, band) + amount;

    /// <summary>Moves <paramref name="amount"/> from one band to another, so the bands still add up to the total.</summary>
    private static void Shift(JsonObject document, string to, string from, decimal amount)
    {
        Audiology(document)[to] = Value(document, to) + amount;
        Audiology(document)[from] = Value(document, from) - amount;
    }
}
