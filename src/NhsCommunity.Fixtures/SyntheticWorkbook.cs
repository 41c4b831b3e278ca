using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Fixtures;

/// <summary>
/// The generated content of one workbook: the numbers (the model tests compare against) and every sheet's
/// cells exactly as the writer lays them out. Providers' services and bands come from the seed; bands add up
/// to each provider service's total (except injected mismatches); ICB, region and national rows are the sums
/// of their providers, so the publication's own reconciliation holds.
/// </summary>
public sealed class SyntheticWorkbook
{
    private readonly Dictionary<WaitBand, int?[,]> _values;

    private SyntheticWorkbook(
        WorkbookSpec spec,
        IReadOnlyList<OrganisationRow> organisations,
        IReadOnlyList<ServiceDefinition> services,
        Dictionary<WaitBand, int?[,]> values,
        IReadOnlyList<InjectedBandSumMismatch> mismatches)
    {
        Spec = spec;
        Organisations = organisations;
        Services = services;
        ServiceHeaders = services.Select(PublishedLayout.Header).ToArray();
        if (spec.UnknownServiceHeader is { } unknown)
        {
            ServiceHeaders = [.. ServiceHeaders.Take(services.Count - 1), unknown];
        }

        _values = values;
        BandSumMismatches = mismatches;
        var injected = new List<InjectedCell>();
        Sheets = SheetBuilder.Build(this, injected);
        InjectedCells = injected;
    }

    public WorkbookSpec Spec { get; }

    public DateTime Period => Spec.Period;

    public bool Split52 => Spec.Split52;

    /// <summary>The publication's name for this file (see <see cref="WorkbookSpec.FileName"/>).</summary>
    public string FileName => Spec.FileName;

    /// <summary>The bands with a sheet this month, in sheet order.</summary>
    public IReadOnlyList<WaitBand> Bands => PublishedLayout.Bands(Split52);

    /// <summary>Data rows in sheet order: National, regions, ICBs, then providers (each by name).</summary>
    public IReadOnlyList<OrganisationRow> Organisations { get; }

    /// <summary>Service columns in sheet order: the catalogue's 47, then the unknown one if the spec adds it.</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>Service column headers as written, parallel to <see cref="Services"/>.</summary>
    public IReadOnlyList<string> ServiceHeaders { get; }

    /// <summary>Every sheet as written, in workbook order.</summary>
    public IReadOnlyList<SheetModel> Sheets { get; }

    public IReadOnlyList<InjectedBandSumMismatch> BandSumMismatches { get; }

    public IReadOnlyList<InjectedCell> InjectedCells { get; }

    public SheetModel Sheet(string name) => Sheets.Single(s => s.Name == name);

    /// <summary>
    /// A generated count, or null where the cell is blank. <see cref="WaitBand.Wait52PlusWeeks"/> of a split
    /// month is 52-104 plus 104+; the split bands of an unsplit month are null.
    /// </summary>
    public int? Value(WaitBand band, int organisationIndex, int serviceIndex)
    {
        if (_values.TryGetValue(band, out int?[,]? grid))
        {
            return grid[organisationIndex, serviceIndex];
        }

        if (band == WaitBand.Wait52PlusWeeks && Split52)
        {
            return Add(Value(WaitBand.Wait52To104Weeks, organisationIndex, serviceIndex), Value(WaitBand.Wait104PlusWeeks, organisationIndex, serviceIndex));
        }

        return null;
    }

    /// <summary>A generated count by organisation code ("" for National) and service header text.</summary>
    public int? Value(WaitBand band, string organisationCode, string serviceHeader) =>
        Value(band, IndexOfOrganisation(organisationCode), IndexOfService(serviceHeader));

    public int IndexOfOrganisation(string code)
    {
        for (int i = 0; i < Organisations.Count; i++)
        {
            if (Organisations[i].Code == code)
            {
                return i;
            }
        }

        throw new ArgumentException($"No organisation with code '{code}'.", nameof(code));
    }

    /// <summary>The column index of a service, by header text ("(CYP) Audiology") or, where unique, by key.</summary>
    public int IndexOfService(string headerOrKey)
    {
        for (int i = 0; i < Services.Count; i++)
        {
            if (ServiceHeaders[i] == headerOrKey)
            {
                return i;
            }
        }

        int[] byKey = Enumerable.Range(0, Services.Count).Where(i => Services[i].Key == headerOrKey).ToArray();
        return byKey.Length == 1
            ? byKey[0]
            : throw new ArgumentException($"'{headerOrKey}' names no service column, or more than one (use the header text).", nameof(headerOrKey));
    }

    /// <summary>
    /// The records an importer should produce for every organisation level: one per organisation and service
    /// with at least one value. Describes the generated data, so it ignores cell overrides and duplicate rows.
    /// </summary>
    public IReadOnlyList<CommunityRecord> ExpectedRecords(string sourceFile)
    {
        var records = new List<CommunityRecord>();
        for (int o = 0; o < Organisations.Count; o++)
        {
            for (int s = 0; s < Services.Count; s++)
            {
                if (!_values.Keys.Any(band => Value(band, o, s) is not null))
                {
                    continue;
                }

                OrganisationRow org = Organisations[o];
                ServiceDefinition service = Services[s];
                records.Add(new CommunityRecord
                {
                    Period = Month.Of(Period),
                    OrganisationType = org.Type,
                    OrganisationCode = org.Code,
                    OrganisationName = org.Name,
                    Category = service.Category,
                    Service = ServiceHeaders[s],
                    ServiceKey = service.Key,
                    TotalWaiting = Value(WaitBand.Total, o, s),
                    Wait0To1Weeks = Value(WaitBand.Wait0To1Weeks, o, s),
                    Wait1To2Weeks = Value(WaitBand.Wait1To2Weeks, o, s),
                    Wait2To4Weeks = Value(WaitBand.Wait2To4Weeks, o, s),
                    Wait4To12Weeks = Value(WaitBand.Wait4To12Weeks, o, s),
                    Wait12To18Weeks = Value(WaitBand.Wait12To18Weeks, o, s),
                    Wait18To52Weeks = Value(WaitBand.Wait18To52Weeks, o, s),
                    Wait52PlusWeeks = Value(WaitBand.Wait52PlusWeeks, o, s),
                    Wait52To104Weeks = Value(WaitBand.Wait52To104Weeks, o, s),
                    Wait104PlusWeeks = Value(WaitBand.Wait104PlusWeeks, o, s),
                    HasSplit52Weeks = Split52,
                    LastUpdated = Spec.Revised ?? Spec.Published,
                    SourceFile = sourceFile,
                });
            }
        }

        return records;
    }

    /// <summary>Generates the workbook content a spec describes. Deterministic: the same spec, the same numbers.</summary>
    public static SyntheticWorkbook Generate(WorkbookSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        DateTime period = spec.Period;
        int month = period.Year * 100 + period.Month;

        var organisations = new List<OrganisationRow> { new(OrganisationType.National, "", PublishedLayout.NationalName) };
        organisations.AddRange(SyntheticProviders.Regions.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new OrganisationRow(OrganisationType.Region, r.Code, r.Name)));
        organisations.AddRange(SyntheticProviders.Icbs.Select(i => new OrganisationRow(OrganisationType.ICB, i.Code, i.Name)));
        SyntheticProvider[] providers = spec.EffectiveProviders.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        int firstProvider = organisations.Count;
        organisations.AddRange(providers.Select(p => new OrganisationRow(OrganisationType.Provider, p.Code, p.Name)));

        var services = new List<ServiceDefinition>(ServiceCatalogue.All);
        if (spec.UnknownServiceHeader is { } unknown)
        {
            services.Add(ServiceCatalogue.Derive(unknown));
        }

        IReadOnlyList<WaitBand> bands = PublishedLayout.Bands(spec.Split52);
        var values = bands.ToDictionary(b => b, _ => new int?[organisations.Count, services.Count]);

        for (int p = 0; p < providers.Length; p++)
        {
            for (int s = 0; s < services.Count; s++)
            {
                if (services[s].NationalOnly || !Offers(providers[p], services[s], spec.Seed, month))
                {
                    continue;
                }

                var rng = new Random(StableHash.Of(spec.Seed, month, providers[p].Code, PublishedLayout.Header(services[s])));
                int total = DrawTotal(providers[p], services[s], rng);
                int[] split = SplitIntoBands(total, bands.Count - 1, services[s].Category, rng);
                values[WaitBand.Total][firstProvider + p, s] = total;
                for (int b = 1; b < bands.Count; b++)
                {
                    values[bands[b]][firstProvider + p, s] = split[b - 1];
                }
            }
        }

        IReadOnlyList<InjectedBandSumMismatch> mismatches = InjectBandSumMismatches(spec, values, bands, providers, firstProvider, services);
        Aggregate(values, organisations, providers, firstProvider, services, spec.Seed, month);
        return new SyntheticWorkbook(spec, organisations, services, values, mismatches);
    }

    private static bool Offers(SyntheticProvider provider, ServiceDefinition service, int seed, int month)
    {
        // Acute trusts run a handful of community services; community trusts and CICs run many.
        double likelihood = StableHash.Fraction(provider.Code, "breadth") < 0.25
            ? 0.07
            : 0.25 + 0.65 * StableHash.Fraction(provider.Code, "scope");
        return StableHash.Fraction(provider.Code, PublishedLayout.Header(service)) < likelihood
            && StableHash.Fraction(seed, month, provider.Code, PublishedLayout.Header(service), "gap") >= 0.02;
    }

    private static int DrawTotal(SyntheticProvider provider, ServiceDefinition service, Random rng)
    {
        if (rng.NextDouble() < 0.04)
        {
            return 0;
        }

        double typical = service.Key switch
        {
            "msk_service" => 2400,
            "community_paediatrics" => 1100,
            "therapy_speech_language" when service.Category == ServiceCategory.CYP => 800,
            "podiatry" => 400,
            "community_nursing" => 200,
            "therapy_physiotherapy" or "therapy_ot" => 250,
            "ltc_mnd" or "ltc_tb" or "ltc_ms" or "clinical_support_social_care" or "rapid_response" => 6,
            _ => 80,
        };
        double size = 0.3 + 2.2 * StableHash.Fraction(provider.Code, "size");
        return (int)Math.Round(typical * size * (0.85 + 0.3 * rng.NextDouble()));
    }

    /// <summary>Shares a total among the bands by the largest-remainder method, so they add up exactly.</summary>
    private static int[] SplitIntoBands(int total, int bandCount, ServiceCategory category, Random rng)
    {
        double[] typical = bandCount == 7
            ? [0.09, 0.08, 0.13, 0.33, 0.12, 0.20, 0.05]
            : [0.09, 0.08, 0.13, 0.33, 0.12, 0.20, 0.045, 0.005];
        double[] weights = new double[bandCount];
        for (int b = 0; b < bandCount; b++)
        {
            double tail = category == ServiceCategory.CYP && b >= 5 ? 2.0 : 1.0;
            weights[b] = typical[b] * tail * (0.4 + 1.2 * rng.NextDouble());
        }

        double sum = weights.Sum();
        int[] shares = new int[bandCount];
        double[] remainders = new double[bandCount];
        for (int b = 0; b < bandCount; b++)
        {
            double exact = total * weights[b] / sum;
            shares[b] = (int)Math.Floor(exact);
            remainders[b] = exact - shares[b];
        }

        int left = total - shares.Sum();
        foreach (int b in Enumerable.Range(0, bandCount).OrderByDescending(b => remainders[b]).Take(left))
        {
            shares[b]++;
        }

        return shares;
    }

    private static List<InjectedBandSumMismatch> InjectBandSumMismatches(
        WorkbookSpec spec,
        Dictionary<WaitBand, int?[,]> values,
        IReadOnlyList<WaitBand> bands,
        SyntheticProvider[] providers,
        int firstProvider,
        List<ServiceDefinition> services)
    {
        var mismatches = new List<InjectedBandSumMismatch>();
        if (spec.BandSumMismatches <= 0)
        {
            return mismatches;
        }

        int?[,] totals = values[WaitBand.Total];
        var rng = new Random(StableHash.Of(spec.Seed, spec.Period.Ticks, "mismatch"));
        var candidates = new List<(int Org, int Service)>();
        for (int o = firstProvider; o < totals.GetLength(0); o++)
        {
            for (int s = 0; s < services.Count; s++)
            {
                if (totals[o, s] > 0)
                {
                    candidates.Add((o, s));
                }
            }
        }

        foreach ((int o, int s) in candidates.OrderBy(_ => rng.Next()).Take(spec.BandSumMismatches))
        {
            WaitBand band = bands[1 + rng.Next(bands.Count - 1)];
            int before = values[band][o, s]!.Value;
            int delta = rng.Next(1, 6);
            int after = before >= delta && rng.Next(2) == 0 ? before - delta : before + delta;
            values[band][o, s] = after;
            int total = totals[o, s]!.Value;
            mismatches.Add(new InjectedBandSumMismatch(
                providers[o - firstProvider].Code, services[s], band, total, total + after - before));
        }

        return mismatches;
    }

    private static void Aggregate(
        Dictionary<WaitBand, int?[,]> values,
        List<OrganisationRow> organisations,
        SyntheticProvider[] providers,
        int firstProvider,
        List<ServiceDefinition> services,
        int seed,
        int month)
    {
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int o = 1; o < firstProvider; o++)
        {
            rowOf[organisations[o].Code] = o;
        }

        foreach ((WaitBand band, int?[,] grid) in values)
        {
            for (int p = 0; p < providers.Length; p++)
            {
                int[] parents = [0, rowOf[providers[p].RegionCode], rowOf[providers[p].IcbCode]];
                for (int s = 0; s < services.Count; s++)
                {
                    if (grid[firstProvider + p, s] is int value)
                    {
                        foreach (int parent in parents)
                        {
                            grid[parent, s] = (grid[parent, s] ?? 0) + value;
                        }
                    }
                }
            }

            // National-only services: a national figure for the total waiting list and nothing else.
            for (int s = 0; s < services.Count; s++)
            {
                if (services[s].NationalOnly && band == WaitBand.Total)
                {
                    grid[0, s] = StableHash.Of(seed, month, services[s].Key) % 40;
                }
            }
        }
    }

    private static int? Add(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

    internal static string MonthLabel(DateTime month) => month.ToString("MMM-yy", CultureInfo.InvariantCulture);
}
