using System.ComponentModel;
using System.Globalization;
using NhsCommunity.Catalogue;

namespace NhsCommunity;

/// <summary>
/// A calendar month: what every Period is. It prints as yyyy-MM in any culture, so Export-Csv and
/// string interpolation show "2025-07" rather than a culture's midnight timestamp. It converts
/// implicitly to the month's first day (a DateTime), and explicitly from a DateTime (dropping the day).
/// </summary>
[TypeConverter(typeof(MonthConverter))]
public readonly struct Month : IEquatable<Month>, IComparable<Month>, IComparable, IFormattable
{
    // Months since January of year 1, so default(Month) is 0001-01, the month of default(DateTime).
    private readonly int _index;

    public Month(int year, int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 12);
        _index = ((year - 1) * 12) + number - 1;
    }

    public int Year => (_index / 12) + 1;

    /// <summary>The month of the year, 1 (January) to 12.</summary>
    public int Number => (_index % 12) + 1;

    /// <summary>The month <paramref name="date"/> falls in.</summary>
    public static Month Of(DateTime date) => new(date.Year, date.Month);

    /// <summary>The first day of the month, at midnight (DateTimeKind.Unspecified).</summary>
    public DateTime ToDateTime() => new(Year, Number, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public DateOnly ToDateOnly() => new(Year, Number, 1);

    public Month AddMonths(int months) => Of(ToDateTime().AddMonths(months));

    /// <summary>
    /// Reads "2025-07"; also what <see cref="MonthText.Parse"/> accepts (an ISO date of any day of the month,
    /// "July 2025"), and refuses day/month forms such as 01/07/2025 with a <see cref="FormatException"/>.
    /// </summary>
    public static Month Parse(string text) => Of(MonthText.Parse(text));

    public static bool TryParse(string? text, out Month month)
    {
        month = default;
        if (text is null)
        {
            return false;
        }

        try
        {
            month = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>"2025-07", whatever the current culture.</summary>
    public override string ToString() => ToDateTime().ToString(MonthText.Format, CultureInfo.InvariantCulture);

    /// <summary>Formats the month's first day in the current culture, as DateTime.ToString(format) does.</summary>
    public string ToString(string? format) => ToString(format, null);

    /// <summary>Formats the month's first day, so "yyyy-MM" and "MMMM yyyy" mean what they mean for a DateTime.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        string.IsNullOrEmpty(format) ? ToString() : ToDateTime().ToString(format, formatProvider);

    public bool Equals(Month other) => _index == other._index;

    public override bool Equals(object? obj) => obj is Month other && Equals(other);

    public override int GetHashCode() => _index;

    public int CompareTo(Month other) => _index.CompareTo(other._index);

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Month other => CompareTo(other),
        _ => throw new ArgumentException($"A Month can only be compared with a Month, not {obj.GetType().Name}.", nameof(obj)),
    };

    public static bool operator ==(Month left, Month right) => left.Equals(right);

    public static bool operator !=(Month left, Month right) => !left.Equals(right);

    public static bool operator <(Month left, Month right) => left._index < right._index;

    public static bool operator <=(Month left, Month right) => left._index <= right._index;

    public static bool operator >(Month left, Month right) => left._index > right._index;

    public static bool operator >=(Month left, Month right) => left._index >= right._index;

    /// <summary>The month's first day: lossless, so implicit.</summary>
    public static implicit operator DateTime(Month month) => month.ToDateTime();

    /// <summary>The month a date falls in: drops the day, so explicit.</summary>
    public static explicit operator Month(DateTime date) => Of(date);
}
