using NhsCommunity.Catalogue;
using NhsCommunity.Mapping;
using NhsCommunity.Workbooks;
using static NhsCommunity.Tests.Documents.RecordFactory;

namespace NhsCommunity.Tests.Mapping;

[Trait("Category", "Unit")]
public class TrustMapperTests
{
    private static readonly int?[] Bands = [1, 1, 0, 0, 0, 0, 0, 0];

    private static CommunityRecord Record(string code, string name, DateTime period, OrganisationType type = OrganisationType.Provider) =>
        Provider(code, period, ServiceCategory.Adult, "audiology", Bands, type: type, name: name);

    private static readonly KnownTrust[] Database =
    [
        new("RGT", "CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST"),
        new("TAD", "BRADFORD DISTRICT CARE NHS FOUNDATION TRUST"),
        new("RX9", "EAST MIDLANDS AMBULANCE SERVICE NHS TRUST"),
        new("RYJ", "IMPERIAL COLLEGE HEALTHCARE NHS TRUST"),
    ];

    [Fact]
    public void Each_provider_code_gets_one_entry_with_its_status_periods_and_names()
    {
        var mapper = new TrustMapper();
        mapper.AddRange(
        [
            Record("RGT", "Cambridge University Hospitals NHS Foundation Trust", December2024),
            Record("RGT", "Cambridge University Hospitals NHS Foundation Trust", August2024),
            Record("RGT", "Cambridge University Hospitals NHS Foundation Trust", August2024),
            Record("TAD", "Bradford District Care NHS FT", August2024),
            Record("RYJ", "Imperial College Health Care NHS Trust", August2024),
            Record("RY6", "Leeds Community Healthcare NHS Trust", December2024),
            Record("NQV", "Some Community Interest Company", August2024),
            Record("Y56", "London", August2024, OrganisationType.Region),
            Record("QE1", "NHS Lancashire and South Cumbria ICB", August2024, OrganisationType.ICB),
        ]);

        var entries = mapper.Map(Database).ToDictionary(e => e.TrustCode);

        Assert.Equal(["NQV", "RGT", "RX9", "RY6", "RYJ", "TAD"], entries.Keys.Order(StringComparer.Ordinal));

        TrustMappingEntry rgt = entries["RGT"];
        Assert.Equal(TrustMappingStatus.Matched, rgt.Status);
        Assert.Equal([August2024, December2024], rgt.PeriodDates);
        Assert.Equal("2024-08;2024-12", rgt.Periods);
        Assert.False(rgt.NameDiffers); // case only
        Assert.Equal("", rgt.NameDifference);
        Assert.Equal("CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST", rgt.DatabaseName);
        Assert.Equal("Cambridge University Hospitals NHS Foundation Trust", rgt.WorkbookName);

        Assert.Equal(TrustMappingStatus.Matched, entries["TAD"].Status);
        Assert.False(entries["TAD"].NameDiffers); // "NHS FT" is "NHS FOUNDATION TRUST"

        TrustMappingEntry ryj = entries["RYJ"];
        Assert.True(ryj.NameDiffers);
        Assert.Equal("workbook: HEALTH CARE; database: HEALTHCARE", ryj.NameDifference);

        Assert.Equal(TrustMappingStatus.NhsTrustNotInDatabase, entries["RY6"].Status);
        Assert.Equal("", entries["RY6"].DatabaseName);
        Assert.Equal(TrustMappingStatus.NonNhsProvider, entries["NQV"].Status);
        Assert.False(entries["NQV"].IsNhsTrust);

        TrustMappingEntry rx9 = entries["RX9"];
        Assert.Equal(TrustMappingStatus.InDatabaseNotInWorkbooks, rx9.Status);
        Assert.Empty(rx9.PeriodDates);
        Assert.Equal("", rx9.Periods);
        Assert.Null(rx9.FirstPeriod);
    }

    [Fact]
    public void The_workbook_name_is_the_latest_months()
    {
        var mapper = new TrustMapper();
        mapper.Add(Record("RGT", "New Name NHS Trust", December2024));
        mapper.Add(Record("RGT", "Old Name NHS Trust", August2024));

        Assert.Equal("New Name NHS Trust", mapper.Map([]).Single().WorkbookName);
    }

    [Fact]
    public async Task The_database_trusts_come_through_the_directory()
    {
        var mapper = new TrustMapper();
        mapper.Add(Record("RGT", "Cambridge University Hospitals NHS Foundation Trust", August2024));

        var entries = await mapper.MapAsync(new ListDirectory(Database), CancellationToken.None);

        Assert.Equal(Database.Length, entries.Count);
        Assert.Equal(TrustMappingStatus.Matched, entries.Single(e => e.TrustCode == "RGT").Status);
    }

    [Theory]
    [InlineData("Bradford District Care NHS Foundation Trust", "BRADFORD DISTRICT CARE NHS FOUNDATION TRUST", "")]
    [InlineData("Guy's and St Thomas' NHS Foundation Trust", "GUYS AND ST THOMAS NHS FOUNDATION TRUST", "")]
    [InlineData("Guy's & St Thomas'  NHS Foundation Trust", "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "")]
    [InlineData("Sheffield Health & Social Care NHS FT", "SHEFFIELD HEALTH AND SOCIAL CARE NHS FOUNDATION TRUST", "")]
    [InlineData("Black Country Healthcare NHS Foundation Trust", "BLACK COUNTRY HEALTHCARE NHS FOUNDATION TRUST", "")]
    [InlineData("Royal Cornwall Hospitals NHS Trust", "ROYAL CORNWALL HOSPITALS NHS FOUNDATION TRUST", "workbook: (nothing else); database: FOUNDATION")]
    [InlineData("The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust", "QUEEN ELIZABETH HOSPITAL KINGS LYNN NHS FOUNDATION TRUST", "workbook: THE; database: (nothing else)")]
    public void Names_compare_beyond_case_spacing_punctuation_and_abbreviations(string workbook, string database, string difference)
    {
        Assert.Equal(difference, TrustNames.Describe(workbook, database));
        Assert.Equal(difference.Length == 0, TrustNames.AreSame(workbook, database));
    }

    private sealed class ListDirectory(IReadOnlyList<KnownTrust> trusts) : ITrustDirectory
    {
        public Task<IReadOnlyList<KnownTrust>> GetTrustsAsync(CancellationToken cancellationToken) => Task.FromResult(trusts);
    }
}
