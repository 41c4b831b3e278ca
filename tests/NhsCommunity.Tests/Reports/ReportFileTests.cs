using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Reports;
using NhsCommunity.Tests.Coverage;
using Npgsql;

namespace NhsCommunity.Tests.Reports;

/// <summary>The report files of the real backfill, compared with content computed here independently.</summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class ReportFileTests : IDisposable
{
    private readonly RealBackfillFixture _fixture;
    private readonly string _folder = Directory.CreateTempSubdirectory("nhscommunity-report-test-").FullName;

    public ReportFileTests(RealBackfillFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CoverageReport WriteReport()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        using var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        CoverageReport report = CoverageAnalyzer.Run(connection, new CoverageScope());
        CommunityReportWriter.Write(report, _folder);
        return report;
    }

    /// <summary>Every row of the table with its services counted by parsing the JSON here.</summary>
    private List<(string Code, string Name, DateTime Period, int? Services)> ReadTable()
    {
        using var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT trust_code, trust_name, period, community_data::text FROM trust_metrics", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, DateTime, int?)>();
        while (reader.Read())
        {
            int services = 0;
            if (!reader.IsDBNull(3))
            {
                using var json = JsonDocument.Parse(reader.GetString(3));
                services = json.RootElement.GetProperty("adult_services").EnumerateObject().Count() + json.RootElement.GetProperty("cyp_services").EnumerateObject().Count();
            }

            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), services));
        }

        return rows;
    }

    private static string Quote(string field) =>
        field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    [SkippableFact]
    public void The_csv_is_the_matrix_of_the_table()
    {
        WriteReport();
        var table = ReadTable();
        DateTime[] months = table.Select(r => r.Period).Distinct().Order().ToArray();
        var expected = new StringBuilder("trust_code,trust_name," + string.Join(",", months.Select(m => m.ToString("yyyy-MM", CultureInfo.InvariantCulture))) + "\r\n");
        foreach (var trust in table.GroupBy(r => r.Code).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            expected.Append(trust.Key).Append(',').Append(Quote(trust.Last().Name));
            foreach (DateTime month in months)
            {
                expected.Append(',').Append(trust.Where(r => r.Period == month).Select(r => r.Services?.ToString(CultureInfo.InvariantCulture)).FirstOrDefault() ?? "");
            }

            expected.Append("\r\n");
        }

        string csv = File.ReadAllText(Path.Combine(_folder, CommunityReportWriter.MatrixFile));
        Assert.Equal(expected.ToString(), csv);
        Assert.Contains("\"", csv, StringComparison.Ordinal); // some trust names carry commas and are quoted
    }

    [SkippableFact]
    public void The_markdown_has_the_coverage_the_findings_the_rankings_and_the_long_waits()
    {
        CoverageReport report = WriteReport();
        string md = File.ReadAllText(Path.Combine(_folder, CommunityReportWriter.MarkdownFile));
        var table = ReadTable();

        Assert.Contains($"| Trusts | {table.Select(r => r.Code).Distinct().Count()} |", md, StringComparison.Ordinal);
        Assert.Contains($"| Rows | {table.Count:N0} |", md, StringComparison.Ordinal);
        Assert.Contains($"| Documents with data | {table.Count(r => r.Services > 0):N0} |", md, StringComparison.Ordinal);

        // 52+ week waits by month, from the workbook cells of the documents written.
        var written = _fixture.Written.Select(d => (d.TrustCode, d.Period)).ToHashSet();
        var providers = _fixture.Records.Where(r => r.OrganisationType == OrganisationType.Provider && written.Contains((r.OrganisationCode, r.Period))).ToList();
        foreach (var month in providers.GroupBy(r => r.Period))
        {
            long waiting = month.Sum(r => (long)(r.Wait52PlusWeeks ?? 0));
            int trusts = month.Select(r => r.OrganisationCode).Distinct().Count();
            Assert.Contains($"| {month.Key:yyyy-MM} | {trusts:N0} | {waiting:N0} |", md, StringComparison.Ordinal);
        }

        // The findings table lists every check with its count; BandSum's count is the workbook's own mismatches.
        WaitBand[] bands = [.. BandCatalogue.UpTo52Weeks, WaitBand.Wait52PlusWeeks];
        int bandSums = providers.Count(r => r.TotalWaiting is not null && bands.All(b => r[b] is not null) && bands.Sum(b => r[b]!.Value) != r.TotalWaiting);
        Assert.Matches(new Regex($@"\| BandSum \| Warning \| {bandSums:N0} \|"), md);
        foreach (CoverageCheck check in report.Checks)
        {
            Assert.Contains($"| {check.Name} | {check.Severity} |", md, StringComparison.Ordinal);
        }

        // The best covered trust: most services per month on average, computed from the JSON.
        int months = table.Select(r => r.Period).Distinct().Count();
        var best = table.GroupBy(r => r.Code).Select(g => (Code: g.Key, Average: g.Sum(r => r.Services ?? 0) / (double)months))
            .OrderByDescending(t => t.Average).ThenBy(t => t.Code, StringComparer.Ordinal).First();
        string highest = md[md.IndexOf("### Highest service coverage", StringComparison.Ordinal)..md.IndexOf("### Lowest service coverage", StringComparison.Ordinal)];
        Assert.Contains($"| {best.Code} |", highest.Split('\n')[4], StringComparison.Ordinal);
        Assert.Contains(best.Average.ToString("0.0", CultureInfo.InvariantCulture), highest.Split('\n')[4], StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Checks_sql_runs_as_it_is()
    {
        CoverageReport report = WriteReport();
        string script = File.ReadAllText(Path.Combine(_folder, CommunityReportWriter.SqlFile));
        Assert.DoesNotContain("@", script.Replace("@>", "", StringComparison.Ordinal), StringComparison.Ordinal);
        using var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        using var batch = new NpgsqlCommand(script, connection);
        using var reader = batch.ExecuteReader();
        int statement = 0;
        do
        {
            int rows = 0;
            while (reader.Read())
            {
                rows++;
            }

            if (statement < report.Checks.Count)
            {
                Assert.Equal(report.FindingsByCheck[report.Checks[statement].Name], rows);
            }
            else
            {
                Assert.Equal(report.Rows, rows);
            }

            statement++;
        }
        while (reader.NextResult());
        Assert.Equal(report.Checks.Count + 1, statement);
    }

    [SkippableFact]
    public void The_html_opens_in_chromium_with_its_heat_map_and_chart()
    {
        CoverageReport report = WriteReport();
        Skip.IfNot(ChromiumBrowser.IsAvailable, ChromiumBrowser.NotInstalledReason);
        string html = Path.Combine(_folder, CommunityReportWriter.HtmlFile);
        string source = File.ReadAllText(html);
        Assert.DoesNotContain("<script", source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(https?:)?//", RegexOptions.IgnoreCase), source);
        Assert.DoesNotContain("@import", source, StringComparison.Ordinal);

        string dom = ChromiumBrowser.DumpDom(html);
        int months = report.ToMatrix().Periods.Count;
        Assert.Equal(report.Trusts * months, Regex.Count(dom, "<rect class=\"cell\""));
        Assert.Equal(report.Periods, Regex.Count(dom, "<rect class=\"bar52\""));
        Assert.Contains("<svg class=\"heatmap\"", dom, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", dom, StringComparison.Ordinal);

        string png = Path.Combine(_folder, "nhscommunity-report.png");
        ChromiumBrowser.Screenshot(html, png);
        Assert.True(new FileInfo(png).Length > 10_000);
    }
}
