using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Ledger;

/// <summary>
/// A folder of twelve generated monthly workbooks (August 2024 to July 2025) and a database with a row for each of
/// their NHS trusts and every month up to August 2025; the revised edition of a month is made on request.
/// </summary>
internal sealed class LedgerFolder : IDisposable
{
    public static readonly DateTime First = new(2024, 8, 1);

    public LedgerFolder(string purpose)
    {
        Path = Directory.CreateTempSubdirectory("nhscommunity-ledger-").FullName;
        Workbooks = Enumerable.Range(0, 12)
            .Select(i => new WorkbookSpec(First.AddMonths(i)))
            .Select(s => CommunityWorkbookWriter.Write(System.IO.Path.Combine(Path, s.FileName), s))
            .ToDictionary(w => w.Period);
        Trusts = Workbooks.Values.SelectMany(w => w.Organisations)
            .Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code))
            .Select(o => (o.Code, o.Name)).DistinctBy(t => t.Code).OrderBy(t => t.Code, StringComparer.Ordinal).ToList();
        ConnectionString = TestPostgres.NewDatabase(purpose);
        TrustMetricsFixtureLoader.LoadSynthetic(ConnectionString, Trusts, Enumerable.Range(0, 13).Select(i => First.AddMonths(i)));
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public Dictionary<DateTime, SyntheticWorkbook> Workbooks { get; }

    public List<(string Code, string Name)> Trusts { get; }

    /// <summary>A revised edition of <paramref name="month"/>: other figures (another seed) and a revision date a month after its publication.</summary>
    public SyntheticWorkbook WriteRevision(DateTime month, string fileName)
    {
        WorkbookSpec original = Workbooks[month].Spec;
        var spec = new WorkbookSpec(month) { Seed = 2, Revised = original.Published.AddDays(30) };
        return CommunityWorkbookWriter.Write(System.IO.Path.Combine(Path, fileName), spec);
    }

    public SyntheticWorkbook WriteMonth(DateTime month)
    {
        var spec = new WorkbookSpec(month);
        return CommunityWorkbookWriter.Write(System.IO.Path.Combine(Path, spec.FileName), spec);
    }

    /// <summary>
    /// What the workbook says for each NHS trust, service and band that has a number (the generator's own cells):
    /// key "trust category.service band".
    /// </summary>
    public static Dictionary<string, long> Cells(SyntheticWorkbook workbook)
    {
        var cells = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var organisation in workbook.Organisations.Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code)))
        {
            int index = workbook.IndexOfOrganisation(organisation.Code);
            for (int s = 0; s < workbook.Services.Count; s++)
            {
                ServiceDefinition service = workbook.Services[s];
                foreach (WaitBand band in Enum.GetValues<WaitBand>())
                {
                    if (!workbook.Split52 && band is WaitBand.Wait52To104Weeks or WaitBand.Wait104PlusWeeks)
                    {
                        continue;
                    }

                    if (workbook.Value(band, index, s) is { } value)
                    {
                        cells[Key(organisation.Code, service.Category == ServiceCategory.Adult ? "adult_services" : "cyp_services", service.Key, BandCatalogue.JsonKey(band))] = value;
                    }
                }
            }
        }

        return cells;
    }

    public static string Key(string trust, string category, string service, string band) =>
        string.Create(CultureInfo.InvariantCulture, $"{trust} {category}.{service} {band}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
