using System.Collections.Concurrent;
using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The importer on the four real NHS England workbooks, checked against the cells as ExcelDataReader reads
/// them (see <see cref="RawWorkbook"/>) and against the workbooks' own oracle: providers sum to National.
/// </summary>
[Trait("Category", "RealData")]
public class RealWorkbookTests
{
    private static readonly ConcurrentDictionary<string, WorkbookContent> Imported = new();

    public static TheoryData<string> Months => new() { "August", "December", "January", "July" };

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Every_count_equals_its_cell_and_blank_cells_give_no_value(string month)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        var records = content.Records.ToDictionary(r => (r.OrganisationType, r.OrganisationCode, r.Service));
        var withValue = new HashSet<(OrganisationType, string, string)>();
        var mismatches = new List<string>();
        int compared = 0;
        foreach ((WaitBand band, RawSheet sheet) in raw.BandSheets)
        {
            foreach ((int row, string type, string code, _) in sheet.Organisations)
            {
                var organisationType = Enum.Parse<OrganisationType>(type);
                foreach ((int column, string header) in sheet.ServiceColumns)
                {
                    int? expected = sheet.Count(row, column);
                    int? actual = records.TryGetValue((organisationType, code, header), out CommunityRecord? record) ? record[band] : null;
                    compared++;
                    if (expected is not null)
                    {
                        withValue.Add((organisationType, code, header));
                    }

                    if (expected != actual)
                    {
                        mismatches.Add($"{sheet.Name} row {row} {code} '{header}': cell {expected?.ToString(CultureInfo.InvariantCulture) ?? "blank"}, record {actual?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
                    }
                }
            }
        }

        Assert.True(compared > 50_000, $"only {compared} cells compared");
        Assert.Empty(mismatches.Take(20));
        Assert.Equal(withValue.Count, content.Records.Count);
        Assert.All(content.Records, r => Assert.Contains((r.OrganisationType, r.OrganisationCode, r.Service), withValue));
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Providers_sum_to_National_in_every_table_for_every_provider_level_service(string month)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        int servicesChecked = 0;
        foreach ((WaitBand band, RawSheet sheet) in raw.BandSheets)
        {
            int nationalRow = sheet.Organisations.Single(o => o.Type == "National").Row;
            int[] providerRows = sheet.Organisations.Where(o => o.Type == "Provider").Select(o => o.Row).ToArray();
            foreach ((int column, string header) in sheet.ServiceColumns)
            {
                Assert.True(ServiceCatalogue.TryMatch(header, out ServiceDefinition service), $"unknown header {header}");
                if (service.NationalOnly)
                {
                    continue;
                }

                int? national = sheet.Count(nationalRow, column);
                long rawSum = providerRows.Sum(r => (long)(sheet.Count(r, column) ?? 0));
                long importedSum = content.Records
                    .Where(r => r.OrganisationType == OrganisationType.Provider && r.Service == header)
                    .Sum(r => (long)(r[band] ?? 0));
                Assert.True(national == rawSum, $"{sheet.Name} '{header}': the workbook's own providers sum to {rawSum}, National says {national}");
                Assert.True(national == importedSum, $"{sheet.Name} '{header}': imported providers sum to {importedSum}, National cell is {national}");
                CommunityRecord? importedNational = content.Records.SingleOrDefault(r => r.OrganisationType == OrganisationType.National && r.Service == header);
                Assert.Equal(national, importedNational?[band]);
                servicesChecked++;
            }
        }

        Assert.Equal(44 * raw.BandSheets.Count, servicesChecked);
    }

    [SkippableFact]
    public void January_2025_has_its_header_one_row_lower_and_is_read_from_there()
    {
        (RawWorkbook january, WorkbookContent content) = Load("January");
        (RawWorkbook august, _) = Load("August");
        RawSheet table4 = january.BandSheets[WaitBand.Total];
        Assert.Equal(august.BandSheets[WaitBand.Total].HeaderRow + 1, table4.HeaderRow);

        // The first data row under the header is National; every count of it must be the importer's National record.
        int nationalRow = table4.HeaderRow + 1;
        Assert.Equal("National", table4.Value(nationalRow, 1));
        foreach ((int column, string header) in table4.ServiceColumns)
        {
            CommunityRecord? national = content.Records.SingleOrDefault(r => r.OrganisationType == OrganisationType.National && r.Service == header);
            Assert.Equal(table4.Count(nationalRow, column), national?.TotalWaiting);
        }

        Assert.Equal(new DateTime(2025, 1, 1), content.Period);
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Over_52_weeks_is_4g_plus_4h_where_split_and_the_split_is_null_where_not(string month)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        bool split = raw.BandSheets.ContainsKey(WaitBand.Wait104PlusWeeks);
        Assert.Equal(split, content.HasSplit52Weeks);
        Assert.Equal(month != "August", split);
        foreach (CommunityRecord record in content.Records)
        {
            Assert.Equal(split, record.HasSplit52Weeks);
            if (split)
            {
                int? expected = record.Wait52To104Weeks is null && record.Wait104PlusWeeks is null
                    ? null
                    : (record.Wait52To104Weeks ?? 0) + (record.Wait104PlusWeeks ?? 0);
                Assert.Equal(expected, record.Wait52PlusWeeks);
            }
            else
            {
                Assert.Null(record.Wait52To104Weeks);
                Assert.Null(record.Wait104PlusWeeks);
            }
        }

        if (split)
        {
            // Against the cells: National over 52 weeks is the sum of the two sheets' National cells.
            RawSheet g = raw.BandSheets[WaitBand.Wait52To104Weeks], h = raw.BandSheets[WaitBand.Wait104PlusWeeks];
            int gRow = g.Organisations.Single(o => o.Type == "National").Row, hRow = h.Organisations.Single(o => o.Type == "National").Row;
            (int column, string header) = g.ServiceColumns.First(c => g.Count(gRow, c.Key) > 0);
            int hColumn = h.ServiceColumns.Single(c => c.Value == header).Key;
            CommunityRecord national = content.Records.Single(r => r.OrganisationType == OrganisationType.National && r.Service == header);
            Assert.Equal(g.Count(gRow, column) + (h.Count(hRow, hColumn) ?? 0), national.Wait52PlusWeeks);
            Assert.True(h.Count(hRow, hColumn) > 0, "pick a service with 104+ waits so the sum is tested");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Zeros_are_kept_and_blanks_are_absent(string month)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        RawSheet table4 = raw.BandSheets[WaitBand.Total];
        var providers = table4.Organisations.Where(o => o.Type == "Provider").ToList();
        var cells = providers.SelectMany(p => table4.ServiceColumns.Select(c => (Provider: p, Column: c.Key, Header: c.Value, Count: table4.Count(p.Row, c.Key)))).ToList();

        var zero = cells.First(c => c.Count == 0);
        CommunityRecord? zeroRecord = content.Records.SingleOrDefault(r => r.OrganisationType == OrganisationType.Provider && r.OrganisationCode == zero.Provider.Code && r.Service == zero.Header);
        Assert.NotNull(zeroRecord);
        Assert.Equal(0, zeroRecord.TotalWaiting);

        // A service the provider did not submit at all: blank in every band sheet, so no record.
        var blank = cells.First(c => c.Count is null && raw.BandSheets.Values.All(s =>
            s.Organisations.Single(o => o.Type == "Provider" && o.Code == c.Provider.Code) is var row
            && s.Count(row.Row, s.ServiceColumns.Single(sc => sc.Value == c.Header).Key) is null));
        Assert.DoesNotContain(content.Records, r => r.OrganisationType == OrganisationType.Provider && r.OrganisationCode == blank.Provider.Code && r.Service == blank.Header);

        // Zero counts are common in the real data (small services), and every one of them must be kept.
        int zeroCells = cells.Count(c => c.Count == 0);
        int zeroRecords = content.Records.Count(r => r.OrganisationType == OrganisationType.Provider && r.TotalWaiting == 0);
        Assert.Equal(zeroCells, zeroRecords);
    }

    [SkippableTheory]
    [InlineData("August", 149)]
    [InlineData("December", 145)]
    [InlineData("January", 144)]
    [InlineData("July", 144)]
    public void Provider_count_per_month_matches_the_workbook(string month, int providers)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        Assert.Equal(providers, raw.BandSheets[WaitBand.Total].Organisations.Count(o => o.Type == "Provider"));
        Assert.Equal(providers, content.Records.Where(r => r.OrganisationType == OrganisationType.Provider).Select(r => r.OrganisationCode).Distinct().Count());
        Assert.Single(content.Records.Where(r => r.OrganisationType == OrganisationType.National).Select(r => r.OrganisationCode).Distinct());
        Assert.Equal(7, content.Records.Where(r => r.OrganisationType == OrganisationType.Region).Select(r => r.OrganisationCode).Distinct().Count());

        // 42 ICB rows are published, but an ICB with no provider submitting anything has only blanks, so no records.
        Assert.Equal(42, raw.BandSheets[WaitBand.Total].Organisations.Count(o => o.Type == "ICB"));
        int icbsWithCounts = raw.BandSheets[WaitBand.Total].Organisations.Count(o => o.Type == "ICB"
            && raw.BandSheets.Values.Any(s => s.ServiceColumns.Keys.Any(c => s.Count(s.Organisations.Single(x => x.Type == "ICB" && x.Code == o.Code).Row, c) is not null)));
        Assert.Equal(icbsWithCounts, content.Records.Where(r => r.OrganisationType == OrganisationType.ICB).Select(r => r.OrganisationCode).Distinct().Count());
        Assert.InRange(icbsWithCounts, 38, 42);
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Period_comes_from_the_titles_and_last_updated_from_the_cover_page(string month)
    {
        (RawWorkbook raw, WorkbookContent content) = Load(month);
        string title = raw.BandSheets[WaitBand.Total].Title!;
        string monthYear = string.Join(' ', title.Split(' ')[^2..]);
        Assert.Equal(DateTime.ParseExact(monthYear, "MMMM yyyy", CultureInfo.InvariantCulture), content.Period);
        Assert.Equal(month, content.Period.ToString("MMMM", CultureInfo.InvariantCulture));

        RawSheet cover = raw.Sheet("Cover page");
        var published = cover.Cells.Single(c => c.Value is string s && s.Trim() == "Published:").Key;
        var expected = DateTime.ParseExact((string)cover.Value(published.Row, published.Column + 1)!, "dd/MM/yyyy", CultureInfo.InvariantCulture);
        Assert.Equal(expected, content.LastUpdated);
        Assert.All(content.Records, r => Assert.Equal(expected, r.LastUpdated));
        Assert.Empty(content.UnknownHeaders);
        Assert.Equal(raw.BandSheets.Count, content.BandSheets.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void The_ExcelDataReader_engine_gives_the_same_records(string month)
    {
        (_, WorkbookContent streaming) = Load(month);
        WorkbookContent excelDataReader = new WorkbookImporter(WorkbookEngine.ExcelDataReader).Read(RepositoryPaths.RealWorkbook(month));
        Assert.Equal(RecordFormatting.Describe(streaming.Records), RecordFormatting.Describe(excelDataReader.Records));
    }

    internal static (RawWorkbook Raw, WorkbookContent Content) Load(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        string path = RepositoryPaths.RealWorkbook(month);
        return (RawWorkbook.Load(path), Imported.GetOrAdd(path, p => new WorkbookImporter().Read(p)));
    }
}
