using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Fixtures;

/// <summary>The publication's fixed text: sheet names, title wording and note rows, as the real workbooks print them.</summary>
public static class PublishedLayout
{
    public const string CoverSheet = "Cover page";
    public const string ContentsSheet = "Contents";

    /// <summary>The sheets before the band sheets, in order.</summary>
    public static IReadOnlyList<string> LeadingSheets => PublicationSheets.Leading;

    public static IReadOnlyList<string> HeaderStart { get; } = ["Organisation Type", "Organisation Code", "Organisation Name"];

    public const string NationalName = "England";

    /// <summary>A service's column header as printed: "(A) Audiology", "(CYP) Audiology".</summary>
    public static string Header(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.HeaderText;
    }

    /// <summary>The bands a month publishes, one sheet each, in sheet order.</summary>
    public static IReadOnlyList<WaitBand> Bands(bool split52) => split52 ? BandCatalogue.SplitSheets : BandCatalogue.UnsplitSheets;

    /// <summary>"Table 4", "Table 4a", ... "Table 4h": the sheet holding the band in a month of that layout.</summary>
    public static string SheetName(WaitBand band, bool split52) => PublicationSheets.BandSheet(band, split52);

    /// <summary>The title row of a band sheet, e.g. "Number waiting >1-2 weeks (8-14 days) by service, August 2024".</summary>
    public static string Title(WaitBand band, DateTime period) => $"{TitleStem(band)} by service, {MonthYear(period)}";

    /// <summary>"August 2024".</summary>
    public static string MonthYear(DateTime period) => period.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    public static string TitleStem(WaitBand band) => band switch
    {
        WaitBand.Total => "Total waiting list",
        WaitBand.Wait0To1Weeks => "Number waiting 0-1 weeks (0-7 days)",
        WaitBand.Wait1To2Weeks => "Number waiting >1-2 weeks (8-14 days)",
        WaitBand.Wait2To4Weeks => "Number waiting >2-4 weeks (15-28 days)",
        WaitBand.Wait4To12Weeks => "Number waiting >4-12 weeks (29-84 days)",
        WaitBand.Wait12To18Weeks => "Number waiting >12-18 weeks (85-126 days)",
        WaitBand.Wait18To52Weeks => "Number waiting >18-52 weeks (127-364 days)",
        WaitBand.Wait52PlusWeeks => "Number waiting over 52 weeks (over 365 days)",
        WaitBand.Wait52To104Weeks => "Number waiting >52-104 weeks (365-728 days)",
        WaitBand.Wait104PlusWeeks => "Number waiting over 104 weeks (over 2 years)",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
    };

    /// <summary>The note rows between the title and the header row.</summary>
    public static IReadOnlyList<string> Notes(bool extraNote) => extraNote ? [.. StandardNotes, ExtraNote] : StandardNotes;

    private static readonly string[] StandardNotes =
    [
        "Blanks indicate no organisation submitted for the service line.",
        "Data is submitted at provider level and aggregated up to national, regional and ICB level, so a change in the number of providers submitting can change the reported waiting list; see Table 1.",
        "* Adult safeguarding, looked after children teams and children and young people's safeguarding are published at national level only, and for the total waiting list only.",
    ];

    private const string ExtraNote = "** A provider's newly reported pathway data increases the community paediatric service waiting list this month. See cover page for more detail.";
}
