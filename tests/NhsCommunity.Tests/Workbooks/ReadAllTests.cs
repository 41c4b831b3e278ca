using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>WorkbookImporter.ReadAll reads ahead on other threads, yet gives every file in order, each as Read would.</summary>
public sealed class ReadAllTests
{
    [Fact]
    public void Results_come_in_the_order_given_with_each_error_in_its_place_and_the_files_after_it_read()
    {
        using var directory = new TemporaryDirectory();
        var months = new[] { new DateTime(2024, 8, 1), new DateTime(2024, 12, 1), new DateTime(2025, 1, 1) };
        string[] workbooks = months.Select(m =>
        {
            var spec = new WorkbookSpec(m);
            string path = directory.File(spec.FileName);
            CommunityWorkbookWriter.Write(path, spec);
            return path;
        }).ToArray();
        string text = directory.File("notes.xlsx");
        File.WriteAllText(text, "trust,count\nRXX,1\n");
        string missing = directory.File("missing.xlsx");

        string[] files = [workbooks[0], text, workbooks[1], missing, workbooks[2]];
        WorkbookReadResult[] results = [.. new WorkbookImporter().ReadAll(files)];

        Assert.Equal(files, results.Select(r => r.File));
        Assert.Equal(["2024-08", WorkbookErrorIds.NotAWorkbook, "2024-12", WorkbookErrorIds.Unreadable, "2025-01"],
            results.Select(r => r.Content is null ? r.Error!.ErrorId : r.Content.Period.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)));
        for (int i = 0; i < files.Length; i++)
        {
            if (results[i].Content is WorkbookContent content)
            {
                Assert.Equal(RecordFormatting.Describe(new WorkbookImporter().Read(files[i]).Records), RecordFormatting.Describe(content.Records));
            }
        }
    }
}
