using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>The sheets every CHS waiting list workbook has, by name, in order.</summary>
public static class PublicationSheets
{
    /// <summary>The sheets before the band sheets.</summary>
    public static IReadOnlyList<string> Leading { get; } = ["Cover page", "Contents", "Table 1", "Table 2", "Table 3"];

    /// <summary>"Table 4", "Table 4a", ...: the sheet that holds a band in a month of the given layout.</summary>
    public static string BandSheet(WaitBand band, bool split52)
    {
        IReadOnlyList<WaitBand> bands = split52 ? BandCatalogue.SplitSheets : BandCatalogue.UnsplitSheets;
        int index = bands.ToList().IndexOf(band);
        if (index < 0)
        {
            throw new ArgumentException($"{band} has no sheet in a workbook where the 52+ band is {(split52 ? "" : "not ")}split.", nameof(band));
        }

        return index == 0 ? "Table 4" : "Table 4" + (char)('a' + index - 1);
    }

    /// <summary>Every sheet of a month's workbook: the leading sheets, then Table 4 to 4g (or 4h where the 52+ band is split).</summary>
    public static IReadOnlyList<string> All(bool split52) =>
        [.. Leading, .. (split52 ? BandCatalogue.SplitSheets : BandCatalogue.UnsplitSheets).Select(b => BandSheet(b, split52))];
}
