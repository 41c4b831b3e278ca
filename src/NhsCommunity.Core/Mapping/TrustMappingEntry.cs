using NhsCommunity.Catalogue;

namespace NhsCommunity.Mapping;

/// <summary>
/// One provider code and how it lines up with trust_metrics. Flat on purpose: one pipe away from
/// Export-Csv or ConvertTo-Json: the months are text, "yyyy-MM", as everywhere.
/// </summary>
public sealed class TrustMappingEntry
{
    /// <summary>The provider's code; the name every output and -TrustCode parameter uses, so entries pipe on.</summary>
    public required string TrustCode { get; init; }

    public required TrustMappingStatus Status { get; init; }

    /// <summary>The name the workbooks print, from the latest month the provider appears in; "" if in no workbook.</summary>
    public string WorkbookName { get; init; } = "";

    /// <summary>The name in trust_metrics (its latest period); "" if not in the database.</summary>
    public string DatabaseName { get; init; } = "";

    /// <summary>Whether the code is an NHS trust's (see <see cref="TrustCodes"/>).</summary>
    public bool IsNhsTrust { get; init; }

    /// <summary>The two names differ beyond case, spacing, punctuation, "&amp;"/AND and FT/FOUNDATION TRUST.</summary>
    public bool NameDiffers { get; init; }

    /// <summary>How they differ, word by word ("workbook: HEALTHCARE; database: HEALTH CARE"); "" when they do not.</summary>
    public string NameDifference { get; init; } = "";

    /// <summary>First days of the months the provider appears in, ascending.</summary>
    internal IReadOnlyList<DateTime> PeriodDates { get; init; } = [];

    /// <summary>The months the provider appears in, ascending, as "yyyy-MM" joined by ';' ("" if in no workbook).</summary>
    public string Periods => string.Join(';', PeriodDates.Select(MonthText.Of));

    public int PeriodCount => PeriodDates.Count;

    /// <summary>"yyyy-MM"; null if in no workbook.</summary>
    public string? FirstPeriod => PeriodDates.Count > 0 ? MonthText.Of(PeriodDates[0]) : null;

    /// <summary>"yyyy-MM"; null if in no workbook.</summary>
    public string? LastPeriod => PeriodDates.Count > 0 ? MonthText.Of(PeriodDates[^1]) : null;
}
