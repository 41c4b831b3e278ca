using System.Globalization;
using System.Text.RegularExpressions;

namespace NhsCommunity.Catalogue;

/// <summary>
/// Periods are months, written yyyy-MM everywhere. Reading one accepts 2025-07, an ISO date of any day
/// of it (2025-07-01, 2025-07-31T10:00) or the month's name (July 2025), and refuses day/month forms such
/// as 01/07/2025, which mean 7 January in some cultures and 1 July in others.
/// </summary>
public static partial class MonthText
{
    /// <summary>The one way a period is shown: "2025-07".</summary>
    public const string Format = "yyyy-MM";

    public static string Of(DateTime month) => month.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The first day of <paramref name="date"/>'s month.</summary>
    public static DateTime FirstDay(DateTime date) => new(date.Year, date.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The first day of the month <paramref name="text"/> names; throws <see cref="FormatException"/> saying how to write it.</summary>
    public static DateTime Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        Match iso = IsoMonth().Match(trimmed);
        if (iso.Success)
        {
            int year = int.Parse(iso.Groups["year"].Value, CultureInfo.InvariantCulture);
            int month = int.Parse(iso.Groups["month"].Value, CultureInfo.InvariantCulture);
            if (month is >= 1 and <= 12 && (!iso.Groups["rest"].Success || DateTime.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)))
            {
                return new DateTime(year, month, 1);
            }
        }
        else if (DateTime.TryParseExact(trimmed, ["MMMM yyyy", "MMM yyyy", "yyyy MMMM", "yyyy MMM"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime named))
        {
            return FirstDay(named);
        }

        throw new FormatException(DayMonthForm().IsMatch(trimmed)
            ? $"'{text}' is ambiguous: day and month may be either way round (01/07/2025 is 1 July in the UK, 7 January in the US). Write the month as yyyy-MM, e.g. 2025-07."
            : $"'{text}' is not a month. Write it as yyyy-MM, e.g. 2025-07 (an ISO date such as 2025-07-01 also works).");
    }

    [GeneratedRegex(@"^(?<year>\d{4})-(?<month>\d{1,2})(?<rest>-\d{1,2}([T ].*)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoMonth();

    [GeneratedRegex(@"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthForm();
}
