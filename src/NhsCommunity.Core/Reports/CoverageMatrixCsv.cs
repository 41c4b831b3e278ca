using System.Globalization;
using System.Text;
using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>
/// coverage_matrix.csv: one row per trust, a column per month ("yyyy-MM") holding the services reported;
/// 0 where the row has no data, empty where there is no row.
/// </summary>
public static class CoverageMatrixCsv
{
    public static string Build(CoverageMatrix matrix)
    {
        var csv = new StringBuilder();
        CsvText.AppendRecord(csv, ["trust_code", "trust_name", .. matrix.Periods.Select(CoverageMatrix.Label)]);
        foreach (CoverageMatrixRow row in matrix.Rows)
        {
            CsvText.AppendRecord(csv, [row.TrustCode, row.TrustName, .. row.Cells.Select(c => c?.ToString(CultureInfo.InvariantCulture))]);
        }

        return csv.ToString();
    }
}
