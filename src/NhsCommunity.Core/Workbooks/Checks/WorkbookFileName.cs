using System.Globalization;
using System.Text.RegularExpressions;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>
/// The publication's file naming: <c>Community-health-services-waiting-lists-2024-25-August.xlsx</c>,
/// financial year (April to March) then month name, so "2024-25-January" is January 2025.
/// The name is a hint only; the period inside the workbook decides.
/// </summary>
public static partial class WorkbookFileName
{
    public const string Prefix = "Community-health-services-waiting-lists-";

    /// <summary>The name NHS England gives the workbook for a month.</summary>
    public static string For(DateTime period, string extension = ".xlsx")
    {
        int startYear = FinancialYearStart(period);
        string month = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(period.Month);
        return $"{Prefix}{startYear}-{(startYear + 1) % 100:00}-{month}{extension}";
    }

    /// <summary>The calendar year in which the financial year holding <paramref name="period"/> starts.</summary>
    public static int FinancialYearStart(DateTime period) => period.Month >= 4 ? period.Year : period.Year - 1;

    /// <summary>
    /// Reads the month a file name claims ("...2024-25-January..." is January 2025). Tolerates other
    /// prefixes, case, spaces or underscores, and suffixes such as " (1)" or "-revised".
    /// </summary>
    public static bool TryParse(string fileName, out DateTime period)
    {
        period = default;
        Match match = Pattern().Match(Path.GetFileNameWithoutExtension(fileName));
        if (!match.Success)
        {
            return false;
        }

        int startYear = int.Parse(match.Groups["start"].Value, CultureInfo.InvariantCulture);
        int endYear = int.Parse(match.Groups["end"].Value, CultureInfo.InvariantCulture);
        if ((startYear + 1) % 100 != endYear)
        {
            return false;
        }

        if (!TryParseMonth(match.Groups["month"].Value, out int month))
        {
            return false;
        }

        period = new DateTime(month >= 4 ? startYear : startYear + 1, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return true;
    }

    private static bool TryParseMonth(string text, out int month)
    {
        DateTimeFormatInfo format = CultureInfo.InvariantCulture.DateTimeFormat;
        for (month = 1; month <= 12; month++)
        {
            if (string.Equals(text, format.GetMonthName(month), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, format.GetAbbreviatedMonthName(month), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        month = 0;
        return false;
    }

    [GeneratedRegex(@"(?<start>(19|20)\d\d)[-_ ](?<end>\d\d)[-_ ](?<month>[A-Za-z]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
