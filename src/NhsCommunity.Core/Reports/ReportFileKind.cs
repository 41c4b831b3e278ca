namespace NhsCommunity.Reports;

/// <summary>Which of the report's files a <see cref="ReportFile"/> is.</summary>
public enum ReportFileKind
{
    /// <summary>coverage_matrix.csv: one row per trust, a column per month.</summary>
    CoverageMatrix,

    /// <summary>data_quality_report.md: coverage, findings by check, rankings, 52+ week waits.</summary>
    DataQuality,

    /// <summary>checks.sql: the SQL of every check, runnable as it is.</summary>
    ChecksSql,

    /// <summary>report.html: one self-contained page with the heat map and chart.</summary>
    Html,
}
