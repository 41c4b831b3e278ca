using System.Globalization;
using System.Text;
using CsCheck;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Properties;

/// <summary>
/// The client's plain-document reader against the coverage SQL's clean-service filter, on generated documents that
/// are plain or spoilt in one service in one of the ways a check could fault. PostgreSQL stores each document and
/// prints it back, and the reader reads that text, as a report does. A document is plain exactly when it has a
/// service and the SQL finds every service clean, and then its figures are the SQL's sums. (The reader is stricter
/// than the filter in two ways this generator leaves out: numbers over 15 digits, and numeric keys beyond the bands.)
/// </summary>
[Trait("Category", "Database")]
public sealed class PlainDocumentReaderProperties
{
    private static readonly string[] BandKeys = [.. BandCatalogue.All.Select(b => b.JsonKey)];

    private static readonly Gen<string> Documents = Gen.Select(Gen.Bool, Service.Array[0, 3], Service.Array[0, 3], (split, adult, cyp) =>
        "{\"adult_services\": " + Category(ServiceCategory.Adult, split, adult) + ", \"cyp_services\": " + Category(ServiceCategory.CYP, split, cyp)
        + ", \"metadata\": {\"services_reported\": " + N(adult.Length + cyp.Length) + "}}");

    /// <summary>A service: a catalogue key (by index), its figures and at most one spoiling (0 for none).</summary>
    private static Gen<(int Key, long[] Figures, int Spoil)> Service => Gen.Select(
        Gen.Int[0, 1000],
        Gen.Long[0, 100_000].Array[9],
        Gen.Frequency((12, Gen.Const(0)), (12, Gen.Int[1, 12])));

    [SkippableFact]
    public void A_document_is_plain_exactly_when_the_SQL_finds_every_service_clean_and_the_figures_agree()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(TestPostgres.NewDatabase("plain_properties"));
        connection.Open();
        string predicate = CoverageSql.CleanServicePredicate("e");
        using var command = new NpgsqlCommand(
            $"""
            WITH e AS (
                SELECT s.json_key, x.key AS service, x.value AS v
                FROM (VALUES ('adult_services'), ('cyp_services')) AS s(json_key),
                     LATERAL jsonb_each(@doc::jsonb -> s.json_key) AS x
            ), c AS (SELECT e.v, {predicate} AS clean FROM e)
            SELECT @doc::jsonb::text, count(*)::int, coalesce(bool_and(clean), true),
                   coalesce(sum(CASE WHEN clean THEN (v ->> 'total_waiting')::numeric END), 0)::bigint,
                   count(*) FILTER (WHERE CASE WHEN clean THEN (v ->> 'wait_52_plus_weeks')::numeric > 0 ELSE false END)::int,
                   coalesce(sum(CASE WHEN clean THEN (v ->> 'wait_52_plus_weeks')::numeric END), 0)::bigint
            FROM c
            """,
            connection);
        NpgsqlParameter doc = command.Parameters.Add(new NpgsqlParameter("doc", NpgsqlTypes.NpgsqlDbType.Text));

        Documents.Sample(json =>
        {
            doc.Value = json;
            using NpgsqlDataReader row = command.ExecuteReader();
            row.Read();
            string printed = row.GetString(0);
            int services = row.GetInt32(1);
            bool allClean = row.GetBoolean(2);

            bool plain = PlainDocumentReader.TryRead(Encoding.UTF8.GetBytes(printed), out PlainDocument figures);

            Assert.Equal(services > 0 && allClean, plain);
            if (plain)
            {
                Assert.Equal((services, row.GetInt64(3), row.GetInt32(4), row.GetInt64(5)),
                    (figures.Services, figures.TotalWaiting, figures.ServicesWith52PlusWeeks, figures.Waiting52PlusWeeks));
            }
        }, iter: 300, threads: 1);
    }

    private static string Category(ServiceCategory category, bool split, (int Key, long[] Figures, int Spoil)[] services)
    {
        string[] own = [.. ServiceCatalogue.All.Where(s => s.Category == category).Select(s => s.Key).Distinct()];
        string[] other = [.. ServiceCatalogue.All.Where(s => s.Category != category).Select(s => s.Key).Except(own)];
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, figures, spoil) in services)
        {
            string name = spoil == 11 ? (key % 2 == 0 ? other[key % other.Length] : own[key % own.Length] + "x") : own[key % own.Length];
            written.TryAdd(name, ServiceText(split, figures, spoil));
        }

        return "{" + string.Join(", ", written.Select(p => $"\"{p.Key}\": {p.Value}")) + "}";
    }

    /// <summary>
    /// A service whose bands add up (and the split to the 52+ band), then spoilt: 1 a band left out, 2 a negative
    /// band (the sum kept), 3 fractions (the sum kept), 4 a whole number written "n.0", 5 one written "ne0" (which
    /// PostgreSQL prints as n, so harmless), 6 a number in a string, 7 a null band, 8 a total one out, 9 a split
    /// one out (or half a split), 10 a text key beyond the bands, 11 a key the category does not know, 12 an array.
    /// </summary>
    private static string ServiceText(bool split, long[] f, int spoil)
    {
        // f[0..5] the six bands up to 52 weeks, f[6] and f[7] the split halves of the 52+ band.
        var tokens = new List<(string Key, string Value)>();
        long w52 = f[6] + f[7];
        tokens.Add((BandKeys[(int)WaitBand.Total], N(f[..6].Sum() + w52)));
        foreach (WaitBand band in BandCatalogue.UpTo52Weeks)
        {
            tokens.Add((BandKeys[(int)band], N(f[(int)band - 1])));
        }

        tokens.Add((BandKeys[(int)WaitBand.Wait52PlusWeeks], N(w52)));
        if (split)
        {
            tokens.Add((BandKeys[(int)WaitBand.Wait52To104Weeks], N(f[6])));
            tokens.Add((BandKeys[(int)WaitBand.Wait104PlusWeeks], N(f[7])));
        }

        int at = (int)(f[8] % tokens.Count);
        long shift = f[0] + 1 + (f[8] % 7);
        switch (spoil)
        {
            case 1: tokens.RemoveAt(at); break;
            case 2: tokens[1] = (tokens[1].Key, N(f[0] - shift)); tokens[2] = (tokens[2].Key, N(f[1] + shift)); break;
            case 3: tokens[1] = (tokens[1].Key, N(f[0]) + ".5"); tokens[2] = (tokens[2].Key, (f[1] - 0.5m).ToString(CultureInfo.InvariantCulture)); break;
            case 4: tokens[at] = (tokens[at].Key, tokens[at].Value + ".0"); break;
            case 5: tokens[at] = (tokens[at].Key, tokens[at].Value + "e0"); break;
            case 6: tokens[at] = (tokens[at].Key, $"\"{tokens[at].Value}\""); break;
            case 7: tokens[at] = (tokens[at].Key, "null"); break;
            case 8: tokens[0] = (tokens[0].Key, N(f[..6].Sum() + w52 + 1)); break;
            case 9:
                tokens.RemoveAll(t => t.Key == BandKeys[(int)WaitBand.Wait104PlusWeeks]);
                tokens.Add((BandKeys[(int)WaitBand.Wait104PlusWeeks], N(f[7] + 1)));
                break;
            case 10: tokens.Add(("note", "\"revised\"")); break;
            case 12: return $"[{N(f[0])}]";
        }

        return "{" + string.Join(", ", tokens.Select(t => $"\"{t.Key}\": {t.Value}")) + "}";
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
