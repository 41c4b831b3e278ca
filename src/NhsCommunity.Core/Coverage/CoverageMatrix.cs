using System.Collections;
using System.Globalization;

namespace NhsCommunity.Coverage;

/// <summary>
/// The coverage pivoted: one row per trust, one column per month from the first to the last month in the
/// report (months nobody has are kept, so gaps show). Enumerates its rows.
/// </summary>
public sealed class CoverageMatrix : IEnumerable<CoverageMatrixRow>
{
    private CoverageMatrix(IReadOnlyList<DateTime> periods, IReadOnlyList<CoverageMatrixRow> rows)
    {
        Periods = periods;
        Rows = rows;
    }

    public IReadOnlyList<DateTime> Periods { get; }

    public IReadOnlyList<CoverageMatrixRow> Rows { get; }

    /// <summary>The column name of a month: "2024-08".</summary>
    public static string Label(DateTime period) => period.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static CoverageMatrix From(IEnumerable<CoverageRow> coverage)
    {
        CoverageRow[] rows = coverage.ToArray();
        var periods = new List<DateTime>();
        if (rows.Length > 0)
        {
            for (DateTime month = rows.Min(r => r.Period); month <= rows.Max(r => r.Period); month = month.AddMonths(1))
            {
                periods.Add(month);
            }
        }

        var index = periods.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var matrixRows = rows
            .GroupBy(r => r.TrustCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var cells = new int?[periods.Count];
                foreach (CoverageRow row in g)
                {
                    // Duplicate rows for one month: the fuller document counts (DuplicateRow reports the rest).
                    int i = index[row.Period];
                    cells[i] = Math.Max(cells[i] ?? 0, row.HasData ? row.ServicesReported : 0);
                }

                string name = g.Select(r => r.TrustName).Where(n => n.Length > 0).LastOrDefault() ?? "";
                return new CoverageMatrixRow(g.Key, name, periods, cells);
            })
            .ToArray();
        return new CoverageMatrix(periods, matrixRows);
    }

    public IEnumerator<CoverageMatrixRow> GetEnumerator() => Rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
