using System.Text;
using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>Writes the report files of a coverage report into a folder; asks before each write.</summary>
public static class CommunityReportWriter
{
    public const string MatrixFile = "coverage_matrix.csv";
    public const string MarkdownFile = "data_quality_report.md";
    public const string SqlFile = "checks.sql";
    public const string HtmlFile = "report.html";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The files and their content, in the order they are written.</summary>
    public static IReadOnlyList<(string Name, string Description, Func<string> Content)> Files(CoverageReport report) =>
    [
        (MatrixFile, "coverage matrix (one row per trust, a column per month)", () => CoverageMatrixCsv.Build(report.ToMatrix())),
        (MarkdownFile, "data quality report", () => DataQualityMarkdown.Build(report)),
        (SqlFile, "SQL of every check", report.ChecksSql),
        (HtmlFile, "HTML report with heat map and chart", () => HtmlReport.Build(report)),
    ];

    /// <param name="shouldWrite">Asked with each file's full path and description (ShouldProcess); null writes all.</param>
    public static IReadOnlyList<ReportFile> Write(CoverageReport report, string folder, Func<string, string, bool>? shouldWrite = null, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(folder);
        var written = new List<ReportFile>();
        bool created = Directory.Exists(full);
        foreach (var (name, description, content) in Files(report))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(full, name);
            if (shouldWrite is not null && !shouldWrite(path, description))
            {
                written.Add(new ReportFile(name, path, description, 0, Written: false));
                continue;
            }

            if (!created)
            {
                Directory.CreateDirectory(full);
                created = true;
            }

            byte[] bytes = Utf8NoBom.GetBytes(content());
            File.WriteAllBytes(path, bytes);
            written.Add(new ReportFile(name, path, description, bytes.Length, Written: true));
        }

        return written;
    }
}
