using System.Text.RegularExpressions;

namespace NhsCommunity.Catalogue;

/// <summary>One wait band: its JSON key in community_data and how its sheet's title names it.</summary>
public sealed record BandDefinition(WaitBand Band, string JsonKey, Regex Title);

/// <summary>The bands, their JSON keys and title patterns: the one source of truth for band definitions.</summary>
public static partial class BandCatalogue
{
    public static IReadOnlyList<BandDefinition> All { get; } =
    [
        new(WaitBand.Total, "total_waiting", TotalTitle()),
        new(WaitBand.Wait0To1Weeks, "wait_0_1_weeks", Range(0, 1)),
        new(WaitBand.Wait1To2Weeks, "wait_1_2_weeks", Range(1, 2)),
        new(WaitBand.Wait2To4Weeks, "wait_2_4_weeks", Range(2, 4)),
        new(WaitBand.Wait4To12Weeks, "wait_4_12_weeks", Range(4, 12)),
        new(WaitBand.Wait12To18Weeks, "wait_12_18_weeks", Range(12, 18)),
        new(WaitBand.Wait18To52Weeks, "wait_18_52_weeks", Range(18, 52)),
        new(WaitBand.Wait52PlusWeeks, "wait_52_plus_weeks", Over(52)),
        new(WaitBand.Wait52To104Weeks, "wait_52_104_weeks", Range(52, 104)),
        new(WaitBand.Wait104PlusWeeks, "wait_104_plus_weeks", Over(104)),
    ];

    /// <summary>The bands that, with the 52+ band, add up to the total.</summary>
    public static IReadOnlyList<WaitBand> UpTo52Weeks { get; } =
    [
        WaitBand.Wait0To1Weeks, WaitBand.Wait1To2Weeks, WaitBand.Wait2To4Weeks,
        WaitBand.Wait4To12Weeks, WaitBand.Wait12To18Weeks, WaitBand.Wait18To52Weeks,
    ];

    /// <summary>The sheets a workbook must have before the 52+ split (up to November 2024).</summary>
    public static IReadOnlyList<WaitBand> UnsplitSheets { get; } = [WaitBand.Total, .. UpTo52Weeks, WaitBand.Wait52PlusWeeks];

    /// <summary>The sheets a workbook must have once the 52+ band is split (from December 2024).</summary>
    public static IReadOnlyList<WaitBand> SplitSheets { get; } = [WaitBand.Total, .. UpTo52Weeks, WaitBand.Wait52To104Weeks, WaitBand.Wait104PlusWeeks];

    public static BandDefinition Get(WaitBand band) => All[(int)band];

    public static string JsonKey(WaitBand band) => All[(int)band].JsonKey;

    /// <summary>Recognises a Table 4 title ("Number waiting >4-12 weeks (29-84 days) by service, August 2024").</summary>
    public static bool TryMatchTitle(string title, out WaitBand band)
    {
        foreach (BandDefinition definition in All)
        {
            if (definition.Title.IsMatch(title))
            {
                band = definition.Band;
                return true;
            }
        }

        band = default;
        return false;
    }

    // "0-1 weeks", ">1-2 weeks", ">52-104 weeks": the lower bound may carry '>' and the dash may be an en dash.
    private static Regex Range(int from, int to) =>
        new($@"^\s*Number waiting\s*>?\s*{from}\s*[-\u2013]\s*{to}\s*weeks\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static Regex Over(int weeks) =>
        new($@"^\s*Number waiting\s*(over|>)\s*{weeks}\s*weeks\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^\s*Total waiting list\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TotalTitle();
}
