namespace NhsCommunity.Fixtures;

/// <summary>
/// A fixed, invented set of regions, ICBs and about 150 providers, with stable codes and names, shared by
/// the workbook generator, the demo backfill (which seeds trust_metrics with the NHS trusts) and database
/// tests. Place names are made up; only the code shapes follow the real ones. A few providers join or
/// leave during the history, so the provider count varies by month as in the real publication.
/// </summary>
public static class SyntheticProviders
{
    private static readonly string[] PlaceStarts =
    [
        "ASH", "BRAM", "CALDER", "DUN", "ELM", "FERN", "GLEN", "HAWK", "IVY", "KING", "LARK", "MEAD",
        "NORTH", "OAK", "PEN", "RAVEN", "SAND", "THORN", "UPTON", "WILLOW", "BEECH", "COLD", "EAST", "FOX",
    ];

    private static readonly string[] PlaceEnds =
    [
        "BROOK", "FORD", "HAM", "LEY", "MOOR", "STEAD", "TON", "WICK", "DALE", "FIELD", "BURY", "MERE",
    ];

    private static readonly string[] TrustForms =
    [
        "{0} COMMUNITY HEALTHCARE NHS TRUST",
        "{0} HOSPITALS NHS FOUNDATION TRUST",
        "{0} HEALTH AND CARE NHS FOUNDATION TRUST",
        "{0} PARTNERSHIP NHS FOUNDATION TRUST",
        "{0} TEACHING HOSPITALS NHS TRUST",
        "{0} UNIVERSITY HOSPITALS NHS FOUNDATION TRUST",
        "{0} COMMUNITY HEALTH SERVICES NHS TRUST",
        "{0} INTEGRATED CARE NHS FOUNDATION TRUST",
    ];

    private static readonly string[] IndependentForms =
    [
        "{0} COMMUNITY HEALTH CIC",
        "{0} CARE SERVICES LTD",
        "{0} HEALTHCARE C.I.C",
        "{0} HEALTH PARTNERSHIP",
        "{0} THERAPY SERVICES LTD",
    ];

    private const string CodeCharacters = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>The seven regions, in the order the sheets list them (by name).</summary>
    public static IReadOnlyList<SyntheticRegion> Regions { get; } =
    [
        new("Y61", "EAST OF ENGLAND"),
        new("Y56", "LONDON"),
        new("Y60", "MIDLANDS"),
        new("Y63", "NORTH EAST AND YORKSHIRE"),
        new("Y62", "NORTH WEST"),
        new("Y59", "SOUTH EAST"),
        new("Y58", "SOUTH WEST"),
    ];

    /// <summary>The 42 ICBs, by name.</summary>
    public static IReadOnlyList<SyntheticIcb> Icbs { get; }

    /// <summary>Every provider that ever submits, by name.</summary>
    public static IReadOnlyList<SyntheticProvider> All { get; }

    /// <summary>The NHS trusts (R and T codes), the ones a trust_metrics table would hold.</summary>
    public static IReadOnlyList<SyntheticProvider> NhsTrusts => All.Where(p => p.IsNhsTrust).ToArray();

    static SyntheticProviders()
    {
        var rng = new Random(20240801);
        Queue<string> places = new(PlaceStarts.SelectMany(s => PlaceEnds.Select(e => s + e)).OrderBy(_ => rng.Next()));

        var icbs = new List<SyntheticIcb>();
        var usedCodes = new HashSet<string>(StringComparer.Ordinal) { "TAD", "TAH", "TAJ" };
        for (int i = 0; i < 42; i++)
        {
            string name = i % 3 == 0 ? $"{places.Dequeue()} AND {places.Dequeue()}" : places.Dequeue();
            icbs.Add(new SyntheticIcb(NewCode('Q', rng, usedCodes), name, Regions[i % Regions.Count].Code));
        }

        Icbs = icbs.OrderBy(icb => icb.Name, StringComparer.Ordinal).ToArray();

        var providers = new List<SyntheticProvider>();
        const int Trusts = 126;
        const int Independents = 24;
        for (int i = 0; i < Trusts + Independents; i++)
        {
            // The last two ICBs get no provider, as one real ICB row is empty: aggregates must stay blank there.
            SyntheticIcb icb = icbs[i * 7 % 40];
            string place = places.Dequeue();
            string code;
            string name;
            bool nhs = i < Trusts;
            if (i is 5 or 40 or 77)
            {
                // Former care trusts that kept their T codes.
                code = i switch { 5 => "TAD", 40 => "TAH", _ => "TAJ" };
                name = i switch
                {
                    5 => $"{place} DISTRICT CARE NHS FOUNDATION TRUST",
                    40 => $"{place} HEALTH & SOCIAL CARE NHS FOUNDATION TRUST",
                    _ => $"{place} HEALTHCARE NHS FOUNDATION TRUST",
                };
            }
            else if (nhs)
            {
                code = NewCode('R', rng, usedCodes);
                name = string.Format(System.Globalization.CultureInfo.InvariantCulture, TrustForms[rng.Next(TrustForms.Length)], place);
            }
            else
            {
                code = NewCode(i % 6 == 0 ? 'A' : 'N', rng, usedCodes);
                name = string.Format(System.Globalization.CultureInfo.InvariantCulture, IndependentForms[rng.Next(IndependentForms.Length)], place);
            }

            (DateTime? first, DateTime? last) = (i % 29) switch
            {
                3 => (new DateTime(2019, 10, 1), null),
                11 => (null, new DateTime(2022, 6, 1)),
                17 => (new DateTime(2024, 4, 1), null),
                23 => (null, new DateTime(2024, 11, 1)),
                _ => ((DateTime?)null, (DateTime?)null),
            };
            providers.Add(new SyntheticProvider(code, name, icb.Code, icb.Name, icb.RegionCode, nhs, first, last));
        }

        All = providers.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The providers that submit for a month, by name.</summary>
    public static IReadOnlyList<SyntheticProvider> ForMonth(DateTime period) => All.Where(p => p.IsActiveIn(period)).ToArray();

    public static SyntheticProvider Get(string code) => All.Single(p => p.Code == code);

    private static string NewCode(char first, Random rng, HashSet<string> used)
    {
        while (true)
        {
            string code = string.Concat(first, CodeCharacters[rng.Next(CodeCharacters.Length)], CodeCharacters[rng.Next(CodeCharacters.Length)]);
            if (used.Add(code))
            {
                return code;
            }
        }
    }
}
