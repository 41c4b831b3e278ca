using System.Collections;
using System.Management.Automation;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Commands;

/// <summary>
/// Turns what a user gives a month parameter (-Period, -From, -To) into the first day of that month,
/// before PowerShell's own conversion could read "01/07/2025" in the invariant culture as 7 January:
/// "2025-07", an ISO date, "July 2025", a [datetime] or a pipeline object's Period (a Month). Ambiguous day/month
/// text is refused with a message saying to write yyyy-MM.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MonthAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            null => null,
            string text => Parse(text),
            Month month => month.ToDateTime(),
            DateTime date => MonthText.FirstDay(date),
            DateTimeOffset date => MonthText.FirstDay(date.DateTime),
            DateOnly date => new DateTime(date.Year, date.Month, 1),
            IEnumerable many => many.Cast<object?>().Select(item => Transform(engineIntrinsics, item)).ToArray(),
            _ => value,
        };
    }

    private static DateTime Parse(string text)
    {
        try
        {
            return MonthText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}
