using System.Text;

namespace NhsCommunity.Coverage;

/// <summary>The complete statements: a check on its own, every check at once, and the coverage rows.</summary>
public static class CoverageQueries
{
    /// <summary>One check as a statement of its own (the shared relations, then the check's SELECT).</summary>
    public static string CheckSql(CoverageCheck check, CoverageSql sql) =>
        sql.Prefix(check.NeedsSource) + "\nSELECT * FROM (\n" + check.Body.TrimEnd() + "\n) AS findings\nORDER BY trust_code, period, service;";

    /// <summary>
    /// The coverage rows and every check in one statement, so the one pass over the services is made once:
    /// coverage rows have a NULL check_name and their figures in the extra columns.
    /// </summary>
    public static string ReportSql(IReadOnlyList<CoverageCheck> checks, CoverageSql sql)
    {
        const string noFigures = "NULL::text AS trust_name, NULL::text AS icb_code, NULL::boolean AS has_data, NULL::bigint AS services_reported, NULL::numeric AS total_waiting, NULL::bigint AS services_with_52plus_weeks, NULL::numeric AS waiting_52plus_weeks";
        var text = new StringBuilder(sql.Prefix(checks.Any(c => c.NeedsSource)));
        text.Append('\n');
        text.Append(CoverageSelect).Append('\n');
        for (int i = 0; i < checks.Count; i++)
        {
            text.Append("UNION ALL\nSELECT check_name, severity, trust_code, period, service, detail, ").Append(noFigures)
                .Append(" FROM (\n").Append(checks[i].Body.TrimEnd()).Append("\n) AS check_").Append(i).Append('\n');
        }

        return text.ToString();
    }

    public static string CoverageSqlText(CoverageSql sql) => sql.Prefix() + "\n" + CoverageSelect + "\nORDER BY trust_code, period;";

    /// <summary>One row per scope row: its figures from the one pass over the services (docs carries them).</summary>
    private const string CoverageSelect = """
        SELECT NULL::text AS check_name, NULL::text AS severity, d.trust_code, d.period, NULL::text AS service, NULL::text AS detail,
               d.trust_name, d.icb_code, d.services > 0 AS has_data, d.services AS services_reported, d.total_waiting,
               d.services_52 AS services_with_52plus_weeks, d.waiting_52 AS waiting_52plus_weeks
        FROM docs d
        """;
}
