using System.IO.Compression;
using System.Text.RegularExpressions;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The importer on generated workbooks in the real layout and its variants: what the generator wrote is what
/// must come back, to the last patient. Needs no shared data.
/// </summary>
[Trait("Category", "Unit")]
public class SyntheticWorkbookTests
{
    [Theory]
    [InlineData(2024, 8)]   // 52+ whole, header at row 5
    [InlineData(2024, 12)]  // 52+ split into 4g and 4h
    [InlineData(2025, 1)]   // split, extra note row: header at row 6 except on Table 4h
    [InlineData(2025, 7)]   // split, trailing empty styled row
    public void Reads_back_exactly_what_the_generator_wrote(int year, int month)
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(year, month, 1));
        string path = directory.File(spec.FileName);
        SyntheticWorkbook written = CommunityWorkbookWriter.Write(path, spec);

        WorkbookContent content = new WorkbookImporter().Read(path);

        Assert.Equal(RecordFormatting.Describe(written.ExpectedRecords(path)), RecordFormatting.Describe(content.Records));
        Assert.Equal(spec.Period, content.Period);
        Assert.Equal(spec.Split52, content.HasSplit52Weeks);
        Assert.Equal(spec.Published, content.LastUpdated);
        Assert.Contains(content.Records, r => r.TotalWaiting == 0);
    }

    [Fact]
    public void The_revision_date_wins_over_the_publication_date()
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { Revised = new DateTime(2024, 11, 14) };
        string path = directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        Assert.Equal(new DateTime(2024, 11, 14), new WorkbookImporter().Read(path).LastUpdated);
    }

    [Fact]
    public void Both_engines_give_the_same_records()
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(2025, 1, 1));
        string path = directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        Assert.Equal(
            RecordFormatting.Describe(new WorkbookImporter(WorkbookEngine.ExcelDataReader).Read(path).Records),
            RecordFormatting.Describe(new WorkbookImporter(WorkbookEngine.Streaming).Read(path).Records));
    }

    [Fact]
    public void Sheets_in_any_order_are_recognised_by_their_titles()
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(2024, 12, 1));
        string path = directory.File(spec.FileName);
        SyntheticWorkbook written = CommunityWorkbookWriter.Write(path, spec);
        ReverseSheetOrder(path);

        WorkbookContent content = new WorkbookImporter().Read(path);

        Assert.True(content.SheetNames.ToList().IndexOf("Table 4h") < content.SheetNames.ToList().IndexOf("Table 4"));
        Assert.Equal(RecordFormatting.Describe(written.ExpectedRecords(path)).Order(), RecordFormatting.Describe(content.Records).Order());
    }

    [Fact]
    public void An_unknown_service_header_is_kept_under_a_derived_key_and_reported()
    {
        using var directory = new TemporaryDirectory();
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { UnknownServiceHeader = "(A) Pain management" };
        string path = directory.File(spec.FileName);
        SyntheticWorkbook written = CommunityWorkbookWriter.Write(path, spec);

        WorkbookContent content = new WorkbookImporter().Read(path);

        Assert.Equal(["(A) Pain management"], content.UnknownHeaders);
        UnknownServiceHeader unknown = Assert.Single(content.UnknownServiceHeaders);
        Assert.Equal(("pain_management", ServiceCategory.Adult, "Table 4"), (unknown.Key, unknown.Category, unknown.Sheet));
        Assert.Equal(RecordFormatting.Describe(written.ExpectedRecords(path)), RecordFormatting.Describe(content.Records));
        Assert.Contains(content.Records, r => r.ServiceKey == "pain_management" && r.Service == "(A) Pain management");
    }

    // The .xlsx's workbook part lists the sheets; reversing that list reorders the tabs without touching a sheet.
    private static void ReverseSheetOrder(string path)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry("xl/workbook.xml")!;
        string xml;
        using (var reader = new StreamReader(entry.Open()))
        {
            xml = reader.ReadToEnd();
        }

        Match sheets = Regex.Match(xml, @"<(?:\w+:)?sheets>(.*?)</(?:\w+:)?sheets>", RegexOptions.Singleline);
        string[] each = Regex.Matches(sheets.Groups[1].Value, @"<(?:\w+:)?sheet [^>]*/>").Select(m => m.Value).Reverse().ToArray();
        Assert.True(each.Length > 8);
        xml = xml.Replace(sheets.Groups[1].Value, string.Concat(each), StringComparison.Ordinal);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open());
        writer.Write(xml);
    }
}
