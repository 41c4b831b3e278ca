using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Documents;

/// <summary>
/// Writes one trust's month as the community_data JSON of community-jsonb.md, compact and byte-identical
/// for the same services.
/// </summary>
/// <remarks>
/// Order: adult_services, cyp_services, metadata (the contract's order); services by ordinal key, so any
/// key (including one derived from a header the catalogue does not know yet) has a fixed place and adding
/// a service to the catalogue never moves the others; bands in the contract's order (total first, then
/// ascending). PostgreSQL's jsonb re-orders keys anyway; the fixed order matters for the text, for tests
/// and for anyone diffing two runs. A blank band in a reported service is left out (a blank means nobody
/// submitted it, and a 0 would be an invented figure) and listed in metadata.blank_bands.
/// </remarks>
internal static class CommunityDocumentJson
{
    /// <summary>The key of the document's metadata object.</summary>
    public const string MetadataSection = "metadata";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Names and file names are stored in PostgreSQL, not embedded in HTML: keep them readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly WaitBand[] EightBands = [WaitBand.Total, .. BandCatalogue.UpTo52Weeks, WaitBand.Wait52PlusWeeks];

    private static readonly WaitBand[] SplitBands = [WaitBand.Wait52To104Weeks, WaitBand.Wait104PlusWeeks];

    public static string SectionOf(ServiceCategory category) => category == ServiceCategory.CYP ? "cyp_services" : "adult_services";

    /// <param name="services">One record per service, in category then ordinal key order.</param>
    public static CommunityDocument Write(
        string trustCode,
        string trustName,
        DateTime period,
        DateTime? lastUpdated,
        string sourceFileName,
        bool split,
        IReadOnlyList<CommunityRecord> services)
    {
        var mismatches = new List<string>();
        var blanks = new List<string>();
        long totalWaiting = 0;
        int breaches = 0;

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            foreach (ServiceCategory category in new[] { ServiceCategory.Adult, ServiceCategory.CYP })
            {
                string section = SectionOf(category);
                json.WriteStartObject(section);
                foreach (CommunityRecord service in services.Where(s => s.Category == category))
                {
                    string path = section + "." + service.ServiceKey;
                    json.WriteStartObject(service.ServiceKey);
                    foreach (WaitBand band in split ? [.. EightBands, .. SplitBands] : EightBands)
                    {
                        int? value = service[band];
                        if (value is int count)
                        {
                            json.WriteNumber(BandCatalogue.JsonKey(band), count);
                        }
                        else
                        {
                            blanks.Add(path + "." + BandCatalogue.JsonKey(band));
                        }
                    }

                    json.WriteEndObject();

                    totalWaiting += service.TotalWaiting ?? 0;
                    if (service.Wait52PlusWeeks > 0)
                    {
                        breaches++;
                    }

                    if (!BandsAddUp(service, split))
                    {
                        mismatches.Add(path);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteStartObject(MetadataSection);
            json.WriteNumber("services_reported", services.Count);
            json.WriteNumber("total_waiting_all_services", totalWaiting);
            json.WriteNumber("services_with_52plus_breaches", breaches);
            if (lastUpdated is DateTime date)
            {
                json.WriteString("last_updated", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("last_updated");
            }

            json.WriteString("source_file", sourceFileName);
            WriteList(json, "band_sum_mismatches", mismatches);
            WriteList(json, "blank_bands", blanks);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new CommunityDocument
        {
            TrustCode = trustCode,
            TrustName = trustName,
            Period = Month.Of(period),
            Json = Encoding.UTF8.GetString(buffer.WrittenSpan),
            ServicesReported = services.Count,
            TotalWaitingAllServices = totalWaiting,
            ServicesWith52PlusBreaches = breaches,
            LastUpdated = lastUpdated,
            SourceFile = sourceFileName,
            HasSplit52Weeks = split,
            BandSumMismatches = mismatches,
            BlankBands = blanks,
        };
    }

    /// <summary>
    /// The bands add up where every one needed is there: the total is the sum of the six bands up to 52 weeks
    /// and the 52+ band, and where split, 52+ is 52-104 plus 104+. A blank band cannot be checked (it is in blank_bands).
    /// </summary>
    private static bool BandsAddUp(CommunityRecord service, bool split)
    {
        bool ok = true;
        if (service.TotalWaiting is int total && SumOfParts(service) is long sum)
        {
            ok = total == sum;
        }

        if (split && service.Wait52PlusWeeks is int over52 && service.Wait52To104Weeks is int to104 && service.Wait104PlusWeeks is int over104)
        {
            ok &= over52 == (long)to104 + over104;
        }

        return ok;
    }

    /// <summary>The six bands up to 52 weeks and the 52+ band added up; null where any of them is blank.</summary>
    private static long? SumOfParts(CommunityRecord service)
    {
        long sum = 0;
        foreach (WaitBand band in BandCatalogue.UpTo52Weeks)
        {
            if (service[band] is not int value)
            {
                return null;
            }

            sum += value;
        }

        return service.Wait52PlusWeeks is int over52 ? sum + over52 : null;
    }

    private static void WriteList(Utf8JsonWriter json, string name, List<string> items)
    {
        json.WriteStartArray(name);
        foreach (string item in items)
        {
            json.WriteStringValue(item);
        }

        json.WriteEndArray();
    }
}
