using System.ComponentModel;
using System.Globalization;

namespace NhsCommunity;

/// <summary>
/// Lets PowerShell (and anything else using TypeDescriptor) turn a Month into and out of text
/// ("2025-07") and DateTime, so -eq '2025-07', [datetime]$row.Period and typed parameters just work.
/// </summary>
public sealed class MonthConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || sourceType == typeof(DateTime) || sourceType == typeof(DateOnly) || base.CanConvertFrom(context, sourceType);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || destinationType == typeof(DateTime) || destinationType == typeof(DateOnly) || base.CanConvertTo(context, destinationType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => value switch
    {
        string text => Month.Parse(text),
        DateTime date => Month.Of(date),
        DateOnly date => new Month(date.Year, date.Month),
        _ => base.ConvertFrom(context, culture, value),
    };

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) => value switch
    {
        Month month when destinationType == typeof(string) => month.ToString(),
        Month month when destinationType == typeof(DateTime) => month.ToDateTime(),
        Month month when destinationType == typeof(DateOnly) => month.ToDateOnly(),
        _ => base.ConvertTo(context, culture, value, destinationType),
    };
}
