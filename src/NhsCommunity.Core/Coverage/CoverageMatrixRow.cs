using System.Collections.Specialized;
using System.Globalization;

namespace NhsCommunity.Coverage;

/// <summary>One trust's line of the coverage matrix: services reported per month (0 = row without data, null = no row).</summary>
public sealed class CoverageMatrixRow
{
    private readonly IReadOnlyList<DateTime> _periods;

    internal CoverageMatrixRow(string trustCode, string trustName, IReadOnlyList<DateTime> periods, int?[] cells)
    {
        TrustCode = trustCode;
        TrustName = trustName;
        _periods = periods;
        Cells = cells;
    }

    public string TrustCode { get; }

    public string TrustName { get; }

    /// <summary>One cell per month of <see cref="CoverageMatrix.Periods"/>.</summary>
    public IReadOnlyList<int?> Cells { get; }

    public int MonthsWithData => Cells.Count(c => c > 0);

    public int? this[DateTime period]
    {
        get
        {
            int index = IndexOf(_periods, new DateTime(period.Year, period.Month, 1));
            return index < 0 ? null : Cells[index];
        }
    }

    /// <summary>TrustCode, TrustName, then one entry per month named "yyyy-MM", in order.</summary>
    public OrderedDictionary ToDictionary()
    {
        var row = new OrderedDictionary(StringComparer.OrdinalIgnoreCase)
        {
            ["TrustCode"] = TrustCode,
            ["TrustName"] = TrustName,
        };
        for (int i = 0; i < _periods.Count; i++)
        {
            row[CoverageMatrix.Label(_periods[i])] = Cells[i];
        }

        return row;
    }

    public override string ToString() => TrustCode + " " + string.Join(' ', Cells.Select(c => c?.ToString(CultureInfo.InvariantCulture) ?? "-"));

    private static int IndexOf(IReadOnlyList<DateTime> periods, DateTime period)
    {
        for (int i = 0; i < periods.Count; i++)
        {
            if (periods[i] == period)
            {
                return i;
            }
        }

        return -1;
    }
}
