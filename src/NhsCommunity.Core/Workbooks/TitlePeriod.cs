using System.Globalization;
using System.Text.RegularExpressions;

namespace NhsCommunity.Workbooks;

/// <summary>The month a sheet's title names at its end: "Total waiting list by service, August 2024".</summary>
internal static partial class TitlePeriod
{
    public static bool TryParse(string title, out DateTime period)
    {
        Match match = MonthYearAtEnd().Match(title);
        if (match.Success && TryParseMonth(match.Groups["month"].Value, out int month))
        {
            period = new DateTime(int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture), month, 1, 0, 0, 0, DateTimeKind.Unspecified);
            return true;
        }

        period = default;
        return false;
    }

    private static bool TryParseMonth(string name, out int month)
    {
        DateTimeFormatInfo format = CultureInfo.InvariantCulture.DateTimeFormat;
        for (int i = 0; i < 12; i++)
        {
            if (name.Equals(format.MonthNames[i], StringComparison.OrdinalIgnoreCase)
                || name.Equals(format.AbbreviatedMonthNames[i], StringComparison.OrdinalIgnoreCase)
                || (i == 8 && name.Equals("Sept", StringComparison.OrdinalIgnoreCase)))
            {
                month = i + 1;
                return true;
            }
        }

        month = 0;
        return false;
    }

    // Trailing footnote marks or a full stop may follow the year.
    [GeneratedRegex(@"\b(?<month>[A-Za-z]{3,9})\.?\s+(?<year>(19|20)\d\d)[\s*.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthYearAtEnd();
}
