using System.Text;

namespace NhsCommunity.Coverage;

/// <summary>The complete statements: a check on its own, every check at once, and the coverage rows.</summary>
public static class CoverageQueries
{
    /// <summary>One check as a statement of its own (the shared relations, then the check's SELECT).</summary>
    public static string CheckSql(CoverageCheck check, CoverageSql sql) =>
        sql.Prefix(check.NeedsSource) + "\nSELECT * FROM (\n" + check.Body.TrimEnd() + "\n) AS findings\nORDER BY trust_code, period, service;";

    /// <summary>All the checks in one statement, so the shared relations are computed once.</summary>
    public static string AllChecksSql(IReadOnlyList<CoverageCheck> checks, CoverageSql sql)
    {
        var text = new StringBuilder(sql.Prefix(checks.Any(c => c.NeedsSource)));
        text.Append('\n');
        for (int i = 0; i < checks.Count; i++)
        {
            if (i > 0)
            {
                text.Append("UNION ALL\n");
            }

            text.Append("SELECT * FROM (\n").Append(checks[i].Body.TrimEnd()).Append("\n) AS check_").Append(i).Append('\n');
        }

        return text.ToString();
    }

    public static string CoverageSqlText(CoverageSql sql) => sql.Prefix() + """

        SELECT d.trust_code, d.trust_name, d.icb_code, d.period, t.id IS NOT NULL AS has_data,
               coalesce(t.services, 0) AS services_reported, coalesce(t.total_waiting, 0) AS total_waiting,
               coalesce(t.services_52, 0) AS services_with_52plus_weeks, coalesce(t.waiting_52, 0) AS waiting_52plus_weeks
        FROM docs d
        LEFT JOIN totals t ON t.id = d.id
        ORDER BY d.trust_code, d.period;
        """;
}
