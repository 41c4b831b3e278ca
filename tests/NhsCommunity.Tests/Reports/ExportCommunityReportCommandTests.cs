using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using NhsCommunity.Reports;
using NhsCommunity.Tests.Coverage;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Reports;

/// <summary>Export-CommunityReport in the hosted engine: typed output with a view, an empty scope, a file as -Path.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class ExportCommunityReportCommandTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    [SkippableFact]
    public void It_returns_a_ReportFile_per_file_with_a_table_view_and_an_empty_scope_says_no_data()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var database = new CoverageTestDatabase("export_report");
        database.Insert("R0A", Month(2024, 11), Typical(Month(2024, 11)).ToJsonString(), trustName: "=HYPERLINK(\"http://evil.example\",\"open\")");
        var vars = new Dictionary<string, object?> { ["cs"] = database.ConnectionString, ["folder"] = _temp.File("report"), ["empty"] = _temp.File("empty") };

        var files = _session.Invoke("Export-CommunityReport -ConnectionString $cs -Path $folder", vars);

        Assert.All(files, f => Assert.IsType<ReportFile>(f.BaseObject));
        Assert.Equal(
            [(ReportFileKind.CoverageMatrix, "coverage_matrix.csv"), (ReportFileKind.DataQuality, "data_quality_report.md"), (ReportFileKind.ChecksSql, "checks.sql"), (ReportFileKind.Html, "report.html")],
            files.Select(f => (((ReportFile)f.BaseObject).Kind, ((ReportFile)f.BaseObject).Name)));
        Assert.All(files, f => Assert.Equal(new FileInfo(((ReportFile)f.BaseObject).Path).Length, ((ReportFile)f.BaseObject).Bytes));
        Assert.Contains("R0A,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\",", File.ReadAllText(_temp.File("report/coverage_matrix.csv")), StringComparison.Ordinal);

        // The table view: the engine loads it, and each column is a property of ReportFile.
        string formatFile = Assert.Single(
            _session.Invoke("(Get-Module NhsCommunity).ExportedFormatFiles").Select(o => o.ToString()),
            f => f!.EndsWith("NhsCommunity.Format.ps1xml", StringComparison.Ordinal))!;
        _ = new FormatTable([formatFile]);
        XElement view = XDocument.Load(formatFile).Descendants("View")
            .Single(v => v.Descendants("TypeName").Any(t => t.Value == "NhsCommunity.Reports.ReportFile"));
        Assert.Equal(["Kind", "Name", "Bytes", "Path"], view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));
        Assert.All(view.Descendants("PropertyName"), p => Assert.NotNull(typeof(ReportFile).GetProperty(p.Value)));

        // A scope with no rows: a whole report that says so, not "Sequence contains no elements".
        var none = _session.Invoke("Export-CommunityReport -ConnectionString $cs -Path $empty -TrustCode RZZ", vars);
        Assert.Equal(4, none.Count);
        Assert.Equal("trust_code,trust_name\r\n", File.ReadAllText(_temp.File("empty/coverage_matrix.csv")));
        Assert.Contains("**No data.**", File.ReadAllText(_temp.File("empty/data_quality_report.md")), StringComparison.Ordinal);
        Assert.Contains("<h2>No data</h2>", File.ReadAllText(_temp.File("empty/report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Path_that_is_a_file_is_a_clear_error_before_any_database_work()
    {
        string file = _temp.File("report.html");
        File.WriteAllText(file, "keep me");

        // The connection string names no server: the error must come first.
        ScriptResult result = _session.Run(
            "Export-CommunityReport -Path $file -ConnectionString 'Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=1'",
            new Dictionary<string, object?> { ["file"] = file });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("ExportCommunityReportPathIsFile,NhsCommunity.Commands.ExportCommunityReportCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(file, error.TargetObject);
        Assert.Equal(
            $"'{file}' is a file, not a folder. Export-CommunityReport writes coverage_matrix.csv, data_quality_report.md, checks.sql and report.html into a folder: give -Path a folder (a missing one is created), for example -Path ./report.",
            error.Exception.Message);
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(_temp.Path));
    }
}
