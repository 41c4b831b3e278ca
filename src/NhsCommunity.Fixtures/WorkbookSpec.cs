using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Fixtures;

/// <summary>
/// What a synthetic CHS workbook should hold: the month, the layout variant of that month (the 52+ split
/// from December 2024, the extra note row of January 2025) and any faults to inject. Defaults give a clean
/// workbook in the real layout of its month; use <c>with</c> to vary one thing at a time.
/// </summary>
public sealed record WorkbookSpec
{
    /// <summary>The first month published with the 52+ band split into 52-104 (Table 4g) and 104+ (Table 4h).</summary>
    public static readonly DateTime SplitFrom = new(2024, 12, 1);

    /// <summary>The month whose band sheets carry an extra "**" note row.</summary>
    public static readonly DateTime ExtraNoteMonth = new(2025, 1, 1);

    private readonly bool? _split52;
    private readonly bool? _extraNoteRow;
    private readonly bool? _trailingEmptyRow;
    private readonly DateTime? _published;

    private readonly DateTime _period;

    public WorkbookSpec(DateTime period) => Period = period;

    /// <summary>First day of the month the data is for (any day of the month is taken as its first).</summary>
    public DateTime Period { get => _period; init => _period = new DateTime(value.Year, value.Month, 1); }

    /// <summary>Drives every generated number: the same spec always gives the same workbook.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Cover page "Published:" date; by default about ten weeks after the month.</summary>
    public DateTime Published { get => _published ?? Period.AddMonths(2).AddDays(9); init => _published = value; }

    /// <summary>Cover page "Revised:" date, or null for "-".</summary>
    public DateTime? Revised { get; init; }

    /// <summary>Publish 52-104 and 104+ sheets (4g, 4h) instead of one 52+ sheet; by default from December 2024.</summary>
    public bool Split52 { get => _split52 ?? Period >= SplitFrom; init => _split52 = value; }

    /// <summary>A fourth note row above the header, as in January 2025 (on every band sheet but Table 4h, as published).</summary>
    public bool ExtraNoteRow { get => _extraNoteRow ?? Period == ExtraNoteMonth; init => _extraNoteRow = value; }

    /// <summary>A styled but empty row after the last provider, as the 2025 workbooks have.</summary>
    public bool TrailingEmptyRow { get => _trailingEmptyRow ?? Period >= ExtraNoteMonth; init => _trailingEmptyRow = value; }

    /// <summary>The providers that submit; by default <see cref="SyntheticProviders.ForMonth"/>.</summary>
    public IReadOnlyList<SyntheticProvider>? Providers { get; init; }

    /// <summary>
    /// How many columns each row is padded to with styled empty cells (the real sheets are 200 columns wide,
    /// a quarter of them filled). Zero writes no empty cells at all: blanks are then absent cells.
    /// </summary>
    public int PaddedColumns { get; init; } = 200;

    /// <summary>Sheets to leave out, by name (e.g. "Table 4c").</summary>
    public IReadOnlyList<string> OmitSheets { get; init; } = [];

    /// <summary>Sheets to add after the last band sheet, by name (e.g. "Table 5").</summary>
    public IReadOnlyList<string> ExtraSheets { get; init; } = [];

    /// <summary>A service column the catalogue does not know, added after the last service (e.g. "(A) Pain management").</summary>
    public string? UnknownServiceHeader { get; init; }

    /// <summary>How many provider services get bands that do not add up to their total (the source's own data quality).</summary>
    public int BandSumMismatches { get; init; }

    /// <summary>Cells to replace after the data is generated (non-numeric, negative, blank).</summary>
    public IReadOnlyList<CellOverride> CellOverrides { get; init; } = [];

    /// <summary>A provider code whose row is written twice in every band sheet.</summary>
    public string? DuplicateProviderCode { get; init; }

    /// <summary>Sheets whose title names another month.</summary>
    public IReadOnlyList<TitleOverride> TitleOverrides { get; init; } = [];

    /// <summary>The month the file name claims, when it should disagree with <see cref="Period"/>.</summary>
    public DateTime? FileNameMonth { get; init; }

    /// <summary>The publication's name for the file (for <see cref="FileNameMonth"/> where set).</summary>
    public string FileName => WorkbookFileName.For(FileNameMonth ?? Period);

    /// <summary>The providers that submit this month.</summary>
    public IReadOnlyList<SyntheticProvider> EffectiveProviders => Providers ?? SyntheticProviders.ForMonth(Period);
}
