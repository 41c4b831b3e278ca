using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>Every kind of bad input gets its own stable error id, the file, and where it applies the sheet and cell.</summary>
[Trait("Category", "Unit")]
public sealed class BadWorkbookTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Random_bytes_are_not_a_workbook()
    {
        string path = BadInputs.WriteRandomBytes(_directory.File("random.xlsx"));
        AssertProblem(path, WorkbookErrorIds.NotAWorkbook, "not an Excel workbook");
    }

    [Fact]
    public void A_saved_web_page_is_not_a_workbook_and_the_message_says_it_looks_like_text()
    {
        string path = BadInputs.WriteText(_directory.File("download.xlsx"));
        AssertProblem(path, WorkbookErrorIds.NotAWorkbook, "looks like a text file");
    }

    [Fact]
    public void An_empty_file_is_not_a_workbook()
    {
        string path = _directory.File("empty.xlsx");
        File.WriteAllBytes(path, []);
        AssertProblem(path, WorkbookErrorIds.NotAWorkbook, "empty");
    }

    [Fact]
    public void A_zip_that_is_not_a_workbook_is_not_a_workbook()
    {
        string path = _directory.File("archive.xlsx");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            writer.Write("hello");
        }

        AssertProblem(path, WorkbookErrorIds.NotAWorkbook, "not an Excel workbook");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.98)]
    public void A_truncated_download_is_corrupt(double keep)
    {
        string good = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        string path = BadInputs.WriteTruncated(good, _directory.File("truncated.xlsx"), keep);
        AssertProblem(path, WorkbookErrorIds.Corrupt, "download it again");
    }

    [Fact]
    public void A_sheet_whose_compressed_data_is_damaged_is_corrupt()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        byte[] bytes = File.ReadAllBytes(path);

        // Noise into the deflate data of every large worksheet part; the zip's directory at the end survives.
        var random = new Random(7);
        int damaged = 0;
        for (int at = 0; at + 30 < bytes.Length; at++)
        {
            if (bytes[at] != 0x50 || bytes[at + 1] != 0x4B || bytes[at + 2] != 3 || bytes[at + 3] != 4)
            {
                continue;
            }

            int compressed = BitConverter.ToInt32(bytes, at + 18);
            int nameLength = BitConverter.ToUInt16(bytes, at + 26);
            int extraLength = BitConverter.ToUInt16(bytes, at + 28);
            string name = System.Text.Encoding.ASCII.GetString(bytes, at + 30, nameLength);
            if (name.StartsWith("xl/worksheets/", StringComparison.Ordinal) && compressed > 8192)
            {
                random.NextBytes(bytes.AsSpan(at + 30 + nameLength + extraLength + 256, 2048));
                damaged++;
            }
        }

        Assert.True(damaged >= 8, $"only {damaged} sheets damaged");
        File.WriteAllBytes(path, bytes);
        AssertProblem(path, WorkbookErrorIds.Corrupt, "damaged");
    }

    [Fact]
    public void A_password_protected_workbook_is_named_as_such()
    {
        string path = BadInputs.WritePasswordProtected(_directory.File("protected.xlsx"));
        AssertProblem(path, WorkbookErrorIds.PasswordProtected, "password");
    }

    [Fact]
    public void A_workbook_of_another_publication_is_refused()
    {
        string path = BadInputs.WriteOtherPublication(_directory.File("RTT-August-2024.xlsx"), new DateTime(2024, 8, 1));
        AssertProblem(path, WorkbookErrorIds.NotCommunityHealthServices, "not a Community Health Services waiting list");
    }

    [Fact]
    public void A_missing_band_sheet_is_named()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)) { OmitSheets = ["Table 4c"] });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.BandSheetMissing, "wait_2_4_weeks");
        Assert.Null(problem.Sheet);
    }

    [Fact]
    public void The_split_workbook_without_its_104_weeks_sheet_is_incomplete()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2025, 7, 1)) { OmitSheets = ["Table 4h"] });
        AssertProblem(path, WorkbookErrorIds.BandSheetMissing, "wait_104_plus_weeks");
    }

    [Fact]
    public void A_negative_count_is_refused_with_its_sheet_and_cell()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1));
        string code = spec.EffectiveProviders[3].Code;
        string path = Generate(spec with { CellOverrides = [CellOverride.Negative("Table 4d", code, "(A) Audiology")] });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.CountNegative, "negative");
        Assert.Equal("Table 4d", problem.Sheet);
        AssertCellHolds(path, problem, -3.0);
    }

    [Fact]
    public void A_non_numeric_count_is_refused_with_its_sheet_and_cell()
    {
        var spec = new WorkbookSpec(new DateTime(2025, 1, 1));
        string code = spec.EffectiveProviders[10].Code;
        string path = Generate(spec with { CellOverrides = [CellOverride.NonNumeric("Table 4", code, "(CYP) Audiology", "n/a")] });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.CountNotNumeric, "'n/a'");
        Assert.Equal("Table 4", problem.Sheet);
        AssertCellHolds(path, problem, "n/a");
    }

    [Fact]
    public void A_fractional_count_is_refused()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1));
        string code = spec.EffectiveProviders[0].Code;
        string path = Generate(spec with { CellOverrides = [new CellOverride("Table 4a", code, "(A) Podiatry and podiatric surgery", 2.5)] });
        AssertProblem(path, WorkbookErrorIds.CountNotNumeric, "not a whole number");
    }

    [Fact]
    public void Two_rows_for_one_provider_are_refused()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 12, 1));
        string code = spec.EffectiveProviders[5].Code;
        string path = Generate(spec with { DuplicateProviderCode = code });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.DuplicateOrganisation, $"'{code}' has two rows");
        Assert.NotNull(problem.Sheet);
        AssertCellHolds(path, problem, code);
    }

    [Fact]
    public void Titles_that_name_different_months_are_refused_naming_the_sheets()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)) { TitleOverrides = [new TitleOverride("Table 4e", new DateTime(2024, 7, 1))] });
        WorkbookFormatException problem = AssertProblem(path, WorkbookErrorIds.PeriodMismatch, "July 2024: 'Table 4e'");
        Assert.Contains("August 2024: 'Table 4'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_unreadable()
    {
        AssertProblem(_directory.File("nowhere.xlsx"), WorkbookErrorIds.Unreadable, "does not exist");
    }

    [Fact]
    public void Cancellation_stops_a_read()
    {
        string path = Generate(new WorkbookSpec(new DateTime(2024, 8, 1)));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new WorkbookImporter().Read(path, cancelled.Token));
    }

    private string Generate(WorkbookSpec spec)
    {
        string path = _directory.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        return path;
    }

    private static WorkbookFormatException AssertProblem(string path, string errorId, string messagePart) =>
        DamagedWorkbookTests.AssertProblem(path, errorId, messagePart);

    // The cell the error names must be the one holding the bad value, read independently.
    private static void AssertCellHolds(string path, WorkbookFormatException problem, object expected)
    {
        Assert.NotNull(problem.Cell);
        Assert.Contains(problem.Cell, problem.Message, StringComparison.Ordinal);
        RawSheet sheet = RawWorkbook.Load(path).Sheet(problem.Sheet!);
        string letters = new(problem.Cell.TakeWhile(char.IsLetter).ToArray());
        int row = int.Parse(problem.Cell[letters.Length..], System.Globalization.CultureInfo.InvariantCulture);
        int column = letters.Aggregate(0, (n, c) => (n * 26) + c - 'A' + 1);
        Assert.Equal(expected, sheet.Value(row, column));
    }
}
