namespace NhsCommunity.Mapping;

/// <summary>
/// One provider code and how it lines up with trust_metrics. Flat on purpose: one pipe away from
/// Export-Csv or ConvertTo-Json (the periods also come as one string, <see cref="PeriodList"/>).
/// </summary>
public sealed class TrustMappingEntry
{
    public required string Code { get; init; }

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
    public IReadOnlyList<DateTime> Periods { get; init; } = [];

    /// <summary><see cref="Periods"/> as "yyyy-MM" joined by ';', for CSV.</summary>
    public string PeriodList { get; init; } = "";

    public int PeriodCount => Periods.Count;

    public DateTime? FirstPeriod => Periods.Count > 0 ? Periods[0] : null;

    public DateTime? LastPeriod => Periods.Count > 0 ? Periods[^1] : null;
}
