using System.ComponentModel;
using System.Globalization;

namespace NhsCommunity.Tests.Api;

/// <summary>Month, the type of every Period: yyyy-MM whatever the culture, ordered, and interchangeable with a month's first day.</summary>
public sealed class MonthTests
{
    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en-US")]
    [InlineData("ar-SA")]
    [InlineData("")]
    public void Prints_as_yyyy_MM_in_any_culture(string culture)
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal("2025-07", new Month(2025, 7).ToString());
            Assert.Equal("0987-12", new Month(987, 12).ToString());
            Assert.Equal("2025-07", Convert.ToString((object)new Month(2025, 7), CultureInfo.CurrentCulture));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Format_strings_apply_to_the_first_day_of_the_month()
    {
        var july = new Month(2025, 7);
        Assert.Equal("2025-07", string.Create(CultureInfo.InvariantCulture, $"{july:yyyy-MM}"));
        Assert.Equal("July 2025", july.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        Assert.Equal("2025-07-01 00:00", july.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        Assert.Equal("juillet 2025", july.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("fr-FR")));
        Assert.Equal("2025-07", july.ToString(null, CultureInfo.GetCultureInfo("fr-FR")));
        Assert.Equal("2025-07", july.ToString("", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2025-07", 2025, 7)]
    [InlineData("2025-7", 2025, 7)]
    [InlineData(" 2024-12 ", 2024, 12)]
    [InlineData("2025-07-31", 2025, 7)]
    [InlineData("2025-07-01T10:00:00", 2025, 7)]
    [InlineData("July 2025", 2025, 7)]
    [InlineData("Jan 2025", 2025, 1)]
    public void Parses_yyyy_MM_and_the_other_accepted_forms(string text, int year, int number)
    {
        Month month = Month.Parse(text);
        Assert.Equal(year, month.Year);
        Assert.Equal(number, month.Number);
        Assert.True(Month.TryParse(text, out Month again));
        Assert.Equal(month, again);
    }

    [Theory]
    [InlineData("01/07/2025", "ambiguous")]
    [InlineData("2025-13", "is not a month")]
    [InlineData("2025-00", "is not a month")]
    [InlineData("2025-02-30", "is not a month")]
    [InlineData("", "is not a month")]
    [InlineData("July", "is not a month")]
    public void Refuses_other_text_saying_to_write_yyyy_MM(string text, string reason)
    {
        var refused = Assert.Throws<FormatException>(() => Month.Parse(text));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM, e.g. 2025-07", refused.Message, StringComparison.Ordinal);
        Assert.False(Month.TryParse(text, out Month none));
        Assert.Equal(default, none);
    }

    [Fact]
    public void TryParse_of_null_is_false()
    {
        Assert.False(Month.TryParse(null, out _));
    }

    [Fact]
    public void Orders_by_year_then_month()
    {
        Month[] months = [Month.Parse("2025-01"), Month.Parse("2024-12"), Month.Parse("2024-02"), Month.Parse("2025-01")];
        Assert.Equal(["2024-02", "2024-12", "2025-01", "2025-01"], months.Order().Select(m => m.ToString()));
        Assert.True(new Month(2024, 12) < new Month(2025, 1));
        Assert.True(new Month(2025, 1) > new Month(2024, 12));
        Assert.True(new Month(2025, 1) <= new Month(2025, 1));
        Assert.True(new Month(2025, 1) >= new Month(2025, 1));
        Assert.Equal(-1, new Month(2024, 12).CompareTo((object)new Month(2025, 1)));
        Assert.Equal(1, new Month(2024, 12).CompareTo(null));
        Assert.Throws<ArgumentException>(() => new Month(2024, 12).CompareTo((object)new DateTime(2024, 12, 1)));
    }

    [Fact]
    public void Equal_months_are_equal_and_hash_alike()
    {
        Assert.True(new Month(2024, 8) == Month.Parse("2024-08-31"));
        Assert.False(new Month(2024, 8) != Month.Parse("2024-08"));
        Assert.True(new Month(2024, 8) != new Month(2025, 8));
        Assert.True(new Month(2024, 8).Equals((object)new Month(2024, 8)));
        Assert.Equal(new Month(2024, 8).GetHashCode(), Month.Parse("2024-08").GetHashCode());
        Assert.Single(new HashSet<Month> { new(2024, 8), Month.Parse("August 2024") });
    }

    [Fact]
    public void Converts_to_its_first_day_and_from_any_day_of_it()
    {
        DateTime first = new Month(2025, 7);
        Assert.Equal("2025-07-01T00:00:00.0000000", first.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Unspecified, first.Kind);
        Assert.Equal(new Month(2025, 7), (Month)new DateTime(2025, 7, 31, 23, 59, 59));
        Assert.Equal(new Month(2025, 7), Month.Of(new DateTime(2025, 7, 15)));
        Assert.Equal(new DateOnly(2025, 7, 1), new Month(2025, 7).ToDateOnly());
        Assert.True(new Month(2025, 7) == new DateTime(2025, 7, 1));
        Assert.False(new Month(2025, 7) == new DateTime(2025, 7, 2));
        Assert.Equal("0001-01", default(Month).ToString());
        Assert.Equal(default(DateTime), (DateTime)default(Month));
    }

    [Fact]
    public void Adds_months_across_years()
    {
        Assert.Equal("2025-01", new Month(2024, 12).AddMonths(1).ToString());
        Assert.Equal("2023-12", new Month(2024, 11).AddMonths(-11).ToString());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2025, 0)]
    [InlineData(2025, 13)]
    [InlineData(10000, 1)]
    public void Refuses_a_month_that_does_not_exist(int year, int number)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Month(year, number));
    }

    [Fact]
    public void Its_type_converter_goes_to_and_from_text_and_dates()
    {
        TypeConverter converter = TypeDescriptor.GetConverter(typeof(Month));
        Assert.IsType<MonthConverter>(converter);
        Assert.Equal(new Month(2024, 8), converter.ConvertFromInvariantString("2024-08"));
        Assert.Equal(new Month(2024, 8), converter.ConvertFrom(new DateTime(2024, 8, 20)));
        Assert.Equal(new Month(2024, 8), converter.ConvertFrom(new DateOnly(2024, 8, 20)));
        Assert.Equal("2024-08", converter.ConvertToInvariantString(new Month(2024, 8)));
        Assert.Equal(new DateTime(2024, 8, 1), converter.ConvertTo(new Month(2024, 8), typeof(DateTime)));
        Assert.True(converter.CanConvertFrom(typeof(string)));
        Assert.True(converter.CanConvertTo(typeof(DateTime)));
        Assert.Throws<FormatException>(() => converter.ConvertFromInvariantString("01/08/2024"));
    }
}
