using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;

namespace NhsCommunity.Coverage;

/// <summary>
/// Recognises plain documents, the ones no per-document check can fault, in the JSON text PostgreSQL prints for
/// them, and gives their figures; everything else is left to the coverage SQL.
/// </summary>
/// <remarks>
/// Reading the documents' text once in the client costs far less than the SQL's per-service JSON operations,
/// which dominate a report over years of data. So that the findings cannot change, "plain" is stricter than
/// <see cref="CoverageSql.CleanServicePredicate"/>: an object whose adult_services, cyp_services and metadata are
/// objects, with at least one service; every service an object with exactly the eight band keys (or the ten, with
/// the 52+ split), each a whole number written in at most 15 digits (so sums cannot overflow); bands that add up to
/// the total and the split to the 52+ band; and a service key the catalogue knows for its category. Any other
/// document, including one this reader cannot parse, is simply not plain.
/// </remarks>
public static class PlainDocumentReader
{
    private const int MaxDigits = 15;

    private static readonly byte[][] BandKeys = BandCatalogue.All.Select(b => Encoding.UTF8.GetBytes(b.JsonKey)).ToArray();

    private static readonly int RequiredBands = Mask(BandCatalogue.All.Where(b => b.Band <= WaitBand.Wait52PlusWeeks).Select(b => b.Band));

    private static readonly int SplitBands = RequiredBands | Mask([WaitBand.Wait52To104Weeks, WaitBand.Wait104PlusWeeks]);

    private static readonly byte[][] AdultKeys = Keys(ServiceCategory.Adult);

    private static readonly byte[][] CypKeys = Keys(ServiceCategory.CYP);

    private static readonly byte[] AdultServices = Encoding.UTF8.GetBytes(CommunityDocumentJson.SectionOf(ServiceCategory.Adult));

    private static readonly byte[] CypServices = Encoding.UTF8.GetBytes(CommunityDocumentJson.SectionOf(ServiceCategory.CYP));

    private static readonly byte[] MetadataKey = Encoding.UTF8.GetBytes(CommunityDocumentJson.MetadataSection);

    // AggressiveOptimization on the loops: a report is often the one call of its process, and tier-0 code would
    // read the documents several times slower.

    /// <summary>Reads one document's JSON text (UTF-8).</summary>
    /// <returns>True, with its figures, for a plain document; false for any other.</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, out PlainDocument document)
    {
        document = default;
        try
        {
            return TryReadDocument(json, out document);
        }
        catch (JsonException)
        {
            // Too deep, or not JSON at all: the SQL will say what is wrong with it.
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadDocument(ReadOnlySpan<byte> json, out PlainDocument document)
    {
        document = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var figures = new Figures();
        bool adult = false, cyp = false;
        string? metadata = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(AdultServices))
            {
                adult = true;
                if (!TryReadCategory(ref reader, AdultKeys, ref figures))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals(CypServices))
            {
                cyp = true;
                if (!TryReadCategory(ref reader, CypKeys, ref figures))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals(MetadataKey))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                metadata = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
            }
            else
            {
                // Keys beyond the contract are no check's business.
                reader.Read();
                reader.Skip();
            }
        }

        if (!adult || !cyp || metadata is null || figures.Services == 0)
        {
            return false;
        }

        document = new PlainDocument(figures.Services, figures.TotalWaiting, figures.ServicesWith52PlusWeeks, figures.Waiting52PlusWeeks, metadata);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadCategory(ref Utf8JsonReader reader, byte[][] knownServices, ref Figures figures)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        Span<long> bands = stackalloc long[BandKeys.Length];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || !IsKnown(knownServices, reader.ValueSpan))
            {
                return false;
            }

            if (!TryReadService(ref reader, bands))
            {
                return false;
            }

            long w52 = bands[(int)WaitBand.Wait52PlusWeeks];
            figures.Services++;
            figures.TotalWaiting += bands[(int)WaitBand.Total];
            figures.Waiting52PlusWeeks += w52;
            figures.ServicesWith52PlusWeeks += w52 > 0 ? 1 : 0;
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>Reads one service into <paramref name="bands"/> (indexed by <see cref="WaitBand"/>); false unless it is plain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadService(ref Utf8JsonReader reader, scoped Span<long> bands)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int band = reader.ValueIsEscaped ? -1 : BandIndex(reader.ValueSpan);
            if (band < 0 || (seen & (1 << band)) != 0 || !reader.Read() || !TryReadCount(ref reader, out bands[band]))
            {
                return false;
            }

            seen |= 1 << band;
        }

        if (seen != RequiredBands && seen != SplitBands)
        {
            return false;
        }

        long upTo52 = 0;
        foreach (WaitBand band in BandCatalogue.UpTo52Weeks)
        {
            upTo52 += bands[(int)band];
        }

        long w52 = bands[(int)WaitBand.Wait52PlusWeeks];
        return bands[(int)WaitBand.Total] == upTo52 + w52
            && (seen == RequiredBands || w52 == bands[(int)WaitBand.Wait52To104Weeks] + bands[(int)WaitBand.Wait104PlusWeeks]);
    }

    /// <summary>A JSON number written with digits only: no sign, point or exponent.</summary>
    private static bool TryReadCount(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number || reader.HasValueSequence)
        {
            return false;
        }

        ReadOnlySpan<byte> digits = reader.ValueSpan;
        if (digits.Length > MaxDigits)
        {
            return false;
        }

        foreach (byte digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }

    private static int BandIndex(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < BandKeys.Length; i++)
        {
            if (key.SequenceEqual(BandKeys[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsKnown(byte[][] sortedKeys, ReadOnlySpan<byte> key)
    {
        int low = 0, high = sortedKeys.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) / 2;
            int order = key.SequenceCompareTo(sortedKeys[middle]);
            if (order == 0)
            {
                return true;
            }

            (low, high) = order < 0 ? (low, middle - 1) : (middle + 1, high);
        }

        return false;
    }

    private static byte[][] Keys(ServiceCategory category) => ServiceCatalogue.All
        .Where(s => s.Category == category)
        .Select(s => Encoding.UTF8.GetBytes(s.Key))
        .OrderBy(k => k, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
        .ToArray();

    private static int Mask(IEnumerable<WaitBand> bands) => bands.Aggregate(0, (mask, band) => mask | (1 << (int)band));

    private struct Figures
    {
        public int Services;
        public long TotalWaiting;
        public int ServicesWith52PlusWeeks;
        public long Waiting52PlusWeeks;
    }
}
