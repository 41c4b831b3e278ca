using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Fixtures;

[Trait("Category", "GeneratedWorkbooks")]
public class GeneratedWorkbookTests
{
    public static TheoryData<int, int> Months => new() { { 2024, 8 }, { 2024, 12 }, { 2025, 1 } };

    [Theory]
    [InlineData(2024, 8, 0)]
    [InlineData(2025, 1, 200)]
    public void ExcelDataReader_reads_back_every_cell_the_generator_wrote(int year, int month, int paddedColumns)
    {
        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(new DateTime(year, month, 1)) { BandSumMismatches = 3, PaddedColumns = paddedColumns };
        string path = temp.File(spec.FileName);
        SyntheticWorkbook model = CommunityWorkbookWriter.Write(path, spec);

        var sheets = ExcelCells.Read(path);
        Assert.Equal(model.Sheets.Select(s => s.Name), sheets.Select(s => s.Name));
        foreach ((SheetModel expected, (string _, IReadOnlyList<object?[]> rows)) in model.Sheets.Zip(sheets))
        {
            int lastRow = Math.Max(expected.Rows.Count, rows.Count);
            for (int r = 0; r < lastRow; r++)
            {
                object?[] row = r < rows.Count ? rows[r] : [];
                int lastColumn = Math.Max(row.Length, r < expected.Rows.Count ? expected.Rows[r].Count : 0);
                for (int c = 0; c < lastColumn; c++)
                {
                    object? want = expected.Cell(r + 1, c + 1);
                    object? got = row.At(c);
                    object? normalised = want switch { int i => (double)i, _ => want };
                    Assert.True(Equals(normalised, got), $"{expected.Name}!{CellReference.Of(r + 1, c + 1)}: wrote {want ?? "blank"}, read {got ?? "blank"}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Months))]
    public void Providers_add_up_to_their_ICB_region_and_National_rows_in_every_band(int year, int month)
    {
        SyntheticWorkbook model = SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(year, month, 1)) { BandSumMismatches = 5 });
        var providers = model.Organisations.Select((o, i) => (o, i)).Where(x => x.o.Type == OrganisationType.Provider).ToArray();
        Assert.InRange(providers.Length, 130, 160);
        int withValues = 0;
        foreach (WaitBand band in model.Bands)
        {
            for (int s = 0; s < model.Services.Count; s++)
            {
                for (int o = 0; o < model.Organisations.Count; o++)
                {
                    OrganisationRow org = model.Organisations[o];
                    if (org.Type == OrganisationType.Provider || (model.Services[s].NationalOnly && org.Type == OrganisationType.National))
                    {
                        continue;
                    }

                    var members = providers.Where(p => org.Type == OrganisationType.National
                        || SyntheticProviders.Get(p.o.Code).IcbCode == org.Code
                        || SyntheticProviders.Get(p.o.Code).RegionCode == org.Code);
                    int?[] parts = members.Select(p => model.Value(band, p.i, s)).Where(v => v is not null).ToArray();
                    int? expected = parts.Length == 0 ? null : parts.Sum();
                    Assert.Equal(expected, model.Value(band, o, s));
                    withValues += expected is null ? 0 : 1;
                }
            }
        }

        Assert.True(withValues > 1000, "the aggregates should mostly hold values");
    }

    [Fact]
    public void Bands_add_up_to_the_total_except_the_injected_mismatches_which_are_reported_exactly()
    {
        SyntheticWorkbook model = SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(2025, 1, 1)) { BandSumMismatches = 4 });
        var found = new List<(string Code, string Header, int Total, int Sum)>();
        for (int o = 0; o < model.Organisations.Count; o++)
        {
            if (model.Organisations[o].Type != OrganisationType.Provider)
            {
                continue;
            }

            for (int s = 0; s < model.Services.Count; s++)
            {
                if (model.Value(WaitBand.Total, o, s) is not int total)
                {
                    continue;
                }

                int sum = model.Bands.Skip(1).Sum(b => model.Value(b, o, s) ?? 0);
                if (sum != total)
                {
                    found.Add((model.Organisations[o].Code, model.ServiceHeaders[s], total, sum));
                }
            }
        }

        Assert.Equal(4, model.BandSumMismatches.Count);
        Assert.Equal(
            model.BandSumMismatches.Select(m => (m.OrganisationCode, PublishedLayout.Header(m.Service), m.Total, m.BandSum)).Order(),
            found.Order());
    }

    [Fact]
    public void The_same_spec_gives_the_same_numbers_and_another_seed_other_numbers()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1));
        var first = SyntheticWorkbook.Generate(spec).ExpectedRecords("x").Select(r => (r.OrganisationCode, r.Service, r.TotalWaiting)).ToArray();
        var again = SyntheticWorkbook.Generate(spec).ExpectedRecords("x").Select(r => (r.OrganisationCode, r.Service, r.TotalWaiting)).ToArray();
        var other = SyntheticWorkbook.Generate(spec with { Seed = 2 }).ExpectedRecords("x").Select(r => (r.OrganisationCode, r.Service, r.TotalWaiting)).ToArray();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Month_layouts_follow_the_publication_split_from_December_2024_and_extra_note_in_January_2025()
    {
        var november = SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(2024, 11, 1)));
        var december = SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(2024, 12, 1)));
        var january = SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(2025, 1, 1)));

        Assert.DoesNotContain(november.Sheets, s => s.Name == "Table 4h");
        Assert.True(BandCatalogue.TryMatchTitle((string)november.Sheet("Table 4g").Cell(1, 1)!, out WaitBand unsplit));
        Assert.Equal(WaitBand.Wait52PlusWeeks, unsplit);
        Assert.True(BandCatalogue.TryMatchTitle((string)december.Sheet("Table 4h").Cell(1, 1)!, out WaitBand over104));
        Assert.Equal(WaitBand.Wait104PlusWeeks, over104);

        Assert.Equal("Organisation Type", december.Sheet("Table 4").Cell(5, 1));
        Assert.Equal("Organisation Type", january.Sheet("Table 4").Cell(6, 1));
        Assert.Equal("Organisation Type", january.Sheet("Table 4h").Cell(5, 1));
    }

    [Fact]
    public void Variants_land_where_the_spec_puts_them()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1))
        {
            UnknownServiceHeader = "(A) Pain management",
            DuplicateProviderCode = SyntheticProviders.ForMonth(new DateTime(2024, 8, 1))[10].Code,
            CellOverrides = [CellOverride.NonNumeric("Table 4c", "", "(A) Audiology"), CellOverride.Negative("Table 4", SyntheticProviders.ForMonth(new DateTime(2024, 8, 1))[3].Code, "(CYP) Audiology")],
            TitleOverrides = [new TitleOverride("Table 4e", new DateTime(2024, 7, 1))],
            OmitSheets = ["Table 2"],
            ExtraSheets = ["Table 5"],
            FileNameMonth = new DateTime(2024, 9, 1),
        };
        SyntheticWorkbook model = SyntheticWorkbook.Generate(spec);

        Assert.Equal("Community-health-services-waiting-lists-2024-25-September.xlsx", model.FileName);
        Assert.DoesNotContain(model.Sheets, s => s.Name == "Table 2");
        Assert.Equal("Table 5", model.Sheets[^1].Name);
        Assert.Equal("(A) Pain management", model.Sheet("Table 4").Cell(5, 3 + ServiceCatalogue.All.Count + 1));
        Assert.Equal("Number waiting >12-18 weeks (85-126 days) by service, July 2024", model.Sheet("Table 4e").Cell(1, 1));
        Assert.Equal(2, model.Sheet("Table 4b").Rows.Count(r => r.Count > 1 && Equals(r[1], spec.DuplicateProviderCode)));
        Assert.Equal(2, model.InjectedCells.Count);
        Assert.Equal(("Table 4c", "n/a"), (model.InjectedCells[0].Sheet, model.InjectedCells[0].Value));
        Assert.Equal("E6", model.InjectedCells[0].Reference);
        Assert.Equal(-3, model.InjectedCells[1].Value);
    }

    [Fact]
    public void Synthetic_history_uses_the_publication_file_names_in_month_order()
    {
        using var temp = new TempDirectory();
        IReadOnlyList<string> paths = SyntheticHistory.Write(temp.Path, new DateTime(2024, 11, 1), 3, adjust: s => s with { PaddedColumns = 0 });
        Assert.Equal(
            ["Community-health-services-waiting-lists-2024-25-November.xlsx", "Community-health-services-waiting-lists-2024-25-December.xlsx", "Community-health-services-waiting-lists-2024-25-January.xlsx"],
            paths.Select(Path.GetFileName));
        var months = paths.Select(p => WorkbookFileName.TryParse(p, out DateTime m) ? m : default).ToArray();
        Assert.Equal([new DateTime(2024, 11, 1), new DateTime(2024, 12, 1), new DateTime(2025, 1, 1)], months);
        Assert.Equal([false, true, true], paths.Select(p => new NhsCommunity.Workbooks.WorkbookImporter().Read(p).HasSplit52Weeks));
    }

    [Fact]
    public void Provider_set_has_nhs_trusts_with_R_and_T_codes_and_independents_and_changes_over_time()
    {
        IReadOnlyList<SyntheticProvider> all = SyntheticProviders.All;
        Assert.Equal(all.Count, all.Select(p => p.Code).Distinct().Count());
        Assert.Equal(all.Count, all.Select(p => p.Name).Distinct().Count());
        Assert.All(all.Where(p => p.IsNhsTrust), p => Assert.Matches("^(R[0-9A-Z]{2}|TA[DHJ])$", p.Code));
        Assert.All(all.Where(p => !p.IsNhsTrust), p => Assert.Matches("^[NA][0-9A-Z]{2}$", p.Code));
        Assert.Contains(all, p => p.Code == "TAD");
        Assert.Equal(42, SyntheticProviders.Icbs.Count);
        Assert.Equal(7, SyntheticProviders.Regions.Count);
        Assert.NotEqual(
            SyntheticProviders.ForMonth(new DateTime(2019, 1, 1)).Select(p => p.Code),
            SyntheticProviders.ForMonth(new DateTime(2025, 1, 1)).Select(p => p.Code));
    }
}
