using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Fixtures;

/// <summary>
/// SyntheticWorkbook.ExpectedRecords is what other tests compare the importer against, so it must describe the
/// file exactly: the importer's records of a generated file equal it, field by field, at every level.
/// </summary>
[Trait("Category", "Unit")]
public class ExpectedRecordsTests
{
    [Theory]
    [InlineData(2024, 11)]
    [InlineData(2025, 1)]
    public void The_importer_reads_exactly_the_records_the_generator_expects(int year, int month)
    {
        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(new DateTime(year, month, 1)) { PaddedColumns = 0, BandSumMismatches = 2, Revised = month == 1 ? new DateTime(year, 4, 2) : null };
        string path = temp.File(spec.FileName);
        SyntheticWorkbook model = CommunityWorkbookWriter.Write(path, spec);

        WorkbookContent content = new WorkbookImporter().Read(path);
        Assert.Equal(model.Period, content.Period);
        Assert.Equal(model.Split52, content.HasSplit52Weeks);

        // ServiceKey is left out: it comes from the catalogue, which the generator does not decide.
        Assert.Equal(
            model.ExpectedRecords(path).Select(Fields).Order(),
            content.Records.Select(Fields).Order());
    }

    private static string Fields(CommunityRecord r) => string.Join('|', new object?[]
    {
        r.Period.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.OrganisationType, r.OrganisationCode, r.OrganisationName, r.Category, r.Service,
        r.TotalWaiting, r.Wait0To1Weeks, r.Wait1To2Weeks, r.Wait2To4Weeks, r.Wait4To12Weeks, r.Wait12To18Weeks, r.Wait18To52Weeks,
        r.Wait52PlusWeeks, r.Wait52To104Weeks, r.Wait104PlusWeeks, r.HasSplit52Weeks, r.LastUpdated?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.SourceFile,
    }.Select(v => v?.ToString() ?? "null"));
}
