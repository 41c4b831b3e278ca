using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Fixtures;

/// <summary>The bad-input fixtures are bad for the reason they claim: the importer rejects each with its own error.</summary>
[Trait("Category", "Unit")]
public class BadInputTests
{
    [Fact]
    public void Each_bad_input_is_rejected_with_the_error_for_its_kind()
    {
        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { PaddedColumns = 0 };
        string good = temp.File(spec.FileName);
        CommunityWorkbookWriter.Write(good, spec);

        var cases = new (string Path, string ErrorId)[]
        {
            (BadInputs.WriteTruncated(good, temp.File("truncated.xlsx")), WorkbookErrorIds.Corrupt),
            (BadInputs.WritePasswordProtected(temp.File("protected.xlsx")), WorkbookErrorIds.PasswordProtected),
            (BadInputs.WriteOtherPublication(temp.File("rtt.xlsx"), new DateTime(2024, 8, 1)), WorkbookErrorIds.NotCommunityHealthServices),
            (BadInputs.WriteText(temp.File("page.xlsx")), WorkbookErrorIds.NotAWorkbook),
        };
        foreach ((string path, string errorId) in cases)
        {
            var error = Assert.Throws<WorkbookFormatException>(() => new WorkbookImporter().Read(path));
            Assert.Equal(errorId, error.ErrorId);
            Assert.Contains(Path.GetFileName(path), error.Message, StringComparison.Ordinal);
        }

        Assert.NotEmpty(new WorkbookImporter().Read(good).Records);
    }

    [Fact]
    public void The_password_protected_file_is_a_valid_compound_file_that_ExcelDataReader_asks_a_password_for()
    {
        using var temp = new TempDirectory();
        string path = BadInputs.WritePasswordProtected(temp.File("protected.xlsx"));
        ExcelCells.EnsureCodePages();
        using FileStream stream = File.OpenRead(path);
        Assert.Throws<ExcelDataReader.Exceptions.InvalidPasswordException>(() => ExcelDataReader.ExcelReaderFactory.CreateReader(stream));
    }

    [Fact]
    public void Random_bytes_are_not_a_workbook()
    {
        using var temp = new TempDirectory();
        string path = BadInputs.WriteRandomBytes(temp.File("noise.xlsx"));
        var error = Assert.Throws<WorkbookFormatException>(() => new WorkbookImporter().Read(path));
        Assert.Equal(WorkbookErrorIds.NotAWorkbook, error.ErrorId);
    }
}
