using System.Text;
using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>
/// Writes the report files of a coverage report into a folder; asks before each write. The files are made in a
/// staging folder and moved into place together (<see cref="StagedFolder"/>), so the folder holds the previous
/// report or the new one, never part of each.
/// </summary>
public static class CommunityReportWriter
{
    public const string MatrixFile = "coverage_matrix.csv";
    public const string MarkdownFile = "data_quality_report.md";
    public const string SqlFile = "checks.sql";
    public const string HtmlFile = "report.html";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The files and their content, in the order they are written.</summary>
    public static IReadOnlyList<(ReportFileKind Kind, string Name, string Description, Func<string> Content)> Files(CoverageReport report) =>
    [
        (ReportFileKind.CoverageMatrix, MatrixFile, "coverage matrix (one row per trust, a column per month)", () => CoverageMatrixCsv.Build(report.ToMatrix())),
        (ReportFileKind.DataQuality, MarkdownFile, "data quality report", () => DataQualityMarkdown.Build(report)),
        (ReportFileKind.ChecksSql, SqlFile, "SQL of every check", report.ChecksSql),
        (ReportFileKind.Html, HtmlFile, "HTML report with heat map and chart", () => HtmlReport.Build(report)),
    ];

    /// <param name="shouldWrite">Asked with each file's full path and description (ShouldProcess); null writes all.</param>
    public static IReadOnlyList<ReportFile> Write(CoverageReport report, string folder, Func<string, string, bool>? shouldWrite = null, CancellationToken cancellationToken = default) =>
        Write(Files(report), folder, shouldWrite, cancellationToken);

    /// <summary>Writes the given files as one report: an exception from any content, or while moving, leaves the folder as it was.</summary>
    public static IReadOnlyList<ReportFile> Write(
        IEnumerable<(ReportFileKind Kind, string Name, string Description, Func<string> Content)> files,
        string folder,
        Func<string, string, bool>? shouldWrite = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var staged = new StagedFolder(folder);
        var result = new List<ReportFile>();
        foreach (var (kind, name, description, content) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(staged.Target, name);
            if (shouldWrite is not null && !shouldWrite(path, description))
            {
                result.Add(new ReportFile(kind, name, path, 0, description, Written: false));
                continue;
            }

            byte[] bytes = Utf8NoBom.GetBytes(content());
            staged.Write(name, bytes);
            result.Add(new ReportFile(kind, name, path, bytes.Length, description, Written: true));
        }

        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return result;
    }
}
