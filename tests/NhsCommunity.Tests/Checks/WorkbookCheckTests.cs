using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Checks;

/// <summary>The checks on their own, over content built from generated workbooks (no file, no reader).</summary>
[Trait("Category", "Unit")]
public class WorkbookCheckTests
{
    private static readonly DateTime August = new(2024, 8, 1);
    private static readonly DateTime January = new(2025, 1, 1);

    [Theory]
    [InlineData(2024, 8)]
    [InlineData(2025, 1)]
    public void A_clean_workbook_gives_no_findings_at_all(int year, int month)
    {
        WorkbookContent content = CheckContent.From(SyntheticWorkbook.Generate(new WorkbookSpec(new DateTime(year, month, 1))));
        Assert.Empty(new WorkbookChecker().Check(content));
    }

    [Fact]
    public void Each_injected_band_sum_mismatch_is_found_with_the_total_as_expected_and_the_band_sum_as_actual()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(January) { BandSumMismatches = 6 });
        WorkbookFinding[] findings = new WorkbookChecker().Check(CheckContent.From(workbook)).ToArray();

        Assert.All(findings, f => Assert.Equal(WorkbookCheck.BandSum, f.Check));
        Assert.Equal(
            workbook.BandSumMismatches.Select(m => (m.OrganisationCode, PublishedLayout.Header(m.Service), Invariant(m.Total), Invariant(m.BandSum))).Order(),
            findings.Select(f => (f.OrganisationCode!, f.Service!, f.Expected, f.Actual)).Order());
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
    }

    [Fact]
    public void A_provider_row_lost_from_every_band_breaks_reconciliation_in_every_band_by_exactly_its_value()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(January));
        CommunityRecord lost = workbook.ExpectedRecords("x").First(r => r.OrganisationType == OrganisationType.Provider && r.TotalWaiting > 0 && r.Wait0To1Weeks > 0);
        var records = workbook.ExpectedRecords("x").Where(r => r != lost && !(r.OrganisationCode == lost.OrganisationCode && r.Service == lost.Service)).ToArray();

        WorkbookFinding[] findings = new WorkbookChecker([WorkbookCheck.Reconciliation]).Check(CheckContent.From(workbook, records: records)).ToArray();

        var expectedBands = workbook.Bands.Where(b => (lost[b] ?? 0) != 0).ToArray();
        Assert.Equal(expectedBands, findings.Select(f => f.Band!.Value));
        CommunityRecord national = records.Single(r => r.OrganisationType == OrganisationType.National && r.Service == lost.Service);
        foreach (WorkbookFinding finding in findings)
        {
            WaitBand band = finding.Band!.Value;
            Assert.Equal(lost.Service, finding.Service);
            Assert.Equal(Invariant(national[band]), finding.Expected);
            Assert.Equal(Invariant(national[band] - lost[band]), finding.Actual);
            Assert.Equal(PublishedLayout.SheetName(band, true), finding.Sheet);
            Assert.Equal(FindingSeverity.Error, finding.Severity);
        }
    }

    [Fact]
    public void A_changed_national_cell_is_found_in_its_band_only()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(August));
        var records = workbook.ExpectedRecords("x").ToList();
        int index = records.FindIndex(r => r.OrganisationType == OrganisationType.National && r.ServiceKey == "msk_service");
        CommunityRecord national = records[index];
        records[index] = CheckContent.With(national, WaitBand.Wait12To18Weeks, national.Wait12To18Weeks + 7);

        WorkbookFinding finding = Assert.Single(new WorkbookChecker().Check(CheckContent.From(workbook, records: records)));
        Assert.Equal((WorkbookCheck.Reconciliation, WaitBand.Wait12To18Weeks, "Table 4e"), (finding.Check, finding.Band!.Value, finding.Sheet!));
        Assert.Equal(Invariant(national.Wait12To18Weeks + 7), finding.Expected);
        Assert.Equal(Invariant(national.Wait12To18Weeks), finding.Actual);
    }

    [Fact]
    public void National_only_services_are_not_reconciled()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(August));
        var records = workbook.ExpectedRecords("x");
        Assert.Contains(records, r => r.OrganisationType == OrganisationType.National && r.ServiceKey == "adult_safeguarding" && r.TotalWaiting is not null);
        Assert.DoesNotContain(records, r => r.OrganisationType == OrganisationType.Provider && r.ServiceKey == "adult_safeguarding");
        Assert.Empty(new WorkbookChecker([WorkbookCheck.Reconciliation]).Check(CheckContent.From(workbook)));
    }

    [Fact]
    public void A_file_named_for_another_month_is_a_warning_naming_both_months()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(January) { FileNameMonth = new DateTime(2024, 1, 1) });
        Assert.Equal("Community-health-services-waiting-lists-2023-24-January.xlsx", workbook.FileName);

        WorkbookFinding finding = Assert.Single(new WorkbookChecker().Check(CheckContent.From(workbook)));
        Assert.Equal((WorkbookCheck.FileName, FindingSeverity.Warning, "January 2025", "January 2024"), (finding.Check, finding.Severity, finding.Expected!, finding.Actual!));
        Assert.Contains("2024-25-January", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_headers_are_reported_with_their_derived_key()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(August) { UnknownServiceHeader = "(CYP) Sleep clinic" });
        WorkbookFinding finding = Assert.Single(new WorkbookChecker().Check(CheckContent.From(workbook)));
        Assert.Equal((WorkbookCheck.UnknownHeader, "(CYP) Sleep clinic", "sleep_clinic"), (finding.Check, finding.Service!, finding.ServiceKey!));
    }

    [Fact]
    public void Missing_and_unexpected_sheets_are_reported_by_name()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(August) { OmitSheets = ["Table 2", "Contents"], ExtraSheets = ["Table 5"] });
        WorkbookFinding[] findings = new WorkbookChecker().Check(CheckContent.From(workbook)).ToArray();

        Assert.Equal(
            [(WorkbookCheck.MissingSheet, "Contents"), (WorkbookCheck.MissingSheet, "Table 2"), (WorkbookCheck.UnexpectedSheet, "Table 5")],
            findings.Select(f => (f.Check, f.Sheet!)));
        Assert.All(findings.Where(f => f.Check == WorkbookCheck.MissingSheet), f => Assert.Equal(FindingSeverity.Warning, f.Severity));
    }

    [Fact]
    public void A_missing_band_sheet_is_an_error()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(January));
        WorkbookContent content = CheckContent.From(workbook);
        content = new WorkbookContent
        {
            SourceFile = content.SourceFile,
            Period = content.Period,
            HasSplit52Weeks = true,
            BandSheets = content.BandSheets,
            SheetNames = content.SheetNames.Where(n => n != "Table 4h").ToArray(),
            Records = content.Records,
        };
        WorkbookFinding finding = Assert.Single(new WorkbookChecker([WorkbookCheck.MissingSheet]).Check(content));
        Assert.Equal(("Table 4h", FindingSeverity.Error), (finding.Sheet!, finding.Severity));
    }

    [Fact]
    public void The_check_filter_keeps_only_the_kinds_asked_for()
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(new WorkbookSpec(August) { BandSumMismatches = 2, FileNameMonth = new DateTime(2024, 9, 1) });
        WorkbookContent content = CheckContent.From(workbook);
        Assert.Equal(3, new WorkbookChecker().Check(content).Count());
        Assert.All(new WorkbookChecker([WorkbookCheck.FileName]).Check(content), f => Assert.Equal(WorkbookCheck.FileName, f.Check));
        Assert.Single(new WorkbookChecker([WorkbookCheck.FileName]).Check(content));
    }

    private static string? Invariant(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
