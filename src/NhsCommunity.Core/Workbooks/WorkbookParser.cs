using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Gives the cells their meaning: which sheet holds which band (from the title rows, in any order), the
/// month (every band title must name the same one), the publication date, and the records.
/// </summary>
internal static class WorkbookParser
{
    public static WorkbookContent Parse(string file, ICellSource source, CancellationToken cancellationToken, Action<string>? afterTitle = null)
    {
        IReadOnlyList<string> sheetNames = source.SheetNames;
        var bandSheets = new Dictionary<WaitBand, int>();
        var titles = new Dictionary<int, string>();
        for (int i = 0; i < sheetNames.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? title = source.ReadTitle(i, cancellationToken);
            afterTitle?.Invoke(sheetNames[i]);
            if (title is null || !BandCatalogue.TryMatchTitle(title, out WaitBand band))
            {
                continue;
            }

            if (bandSheets.TryGetValue(band, out int other))
            {
                throw new WorkbookFormatException(
                    WorkbookErrorIds.BandSheetDuplicate,
                    file,
                    $"'{file}': sheets '{sheetNames[other]}' and '{sheetNames[i]}' both have the title of the {BandCatalogue.JsonKey(band)} table, so it is not clear which to read. Remove one, or download the workbook again.",
                    sheetNames[i],
                    "A1");
            }

            bandSheets.Add(band, i);
            titles.Add(i, title);
        }

        if (bandSheets.Count == 0)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.NotCommunityHealthServices,
                file,
                $"'{file}' is a workbook but not a Community Health Services waiting list: none of its sheets ({string.Join(", ", sheetNames.Select(n => $"'{n}'"))}) has a Table 4 title such as 'Total waiting list by service, <Month YYYY>'. Check that the file is the CHS waiting list workbook and not another publication (RTT, A&E, ...).");
        }

        bool split = bandSheets.ContainsKey(WaitBand.Wait52To104Weeks) || bandSheets.ContainsKey(WaitBand.Wait104PlusWeeks);
        if (split && bandSheets.TryGetValue(WaitBand.Wait52PlusWeeks, out int whole))
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.BandSheetDuplicate,
                file,
                $"'{file}': sheet '{sheetNames[whole]}' publishes the over-52-weeks band whole while other sheets split it into 52-104 and 104+, so it would be counted twice. Remove one form, or download the workbook again.",
                sheetNames[whole],
                "A1");
        }

        IReadOnlyList<WaitBand> required = split ? BandCatalogue.SplitSheets : BandCatalogue.UnsplitSheets;
        WaitBand[] missing = required.Where(b => !bandSheets.ContainsKey(b)).ToArray();
        if (missing.Length > 0)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.BandSheetMissing,
                file,
                $"'{file}' lacks the sheet for {string.Join(", ", missing.Select(BandCatalogue.JsonKey))} (no sheet has that table's title; found: {string.Join(", ", bandSheets.OrderBy(p => p.Key).Select(p => $"'{sheetNames[p.Value]}' {BandCatalogue.JsonKey(p.Key)}"))}). Download the complete workbook again.");
        }

        DateTime period = ReadPeriod(file, bandSheets, titles, sheetNames);

        // In band order (the catalogue lists the bands in it), by plain loops: sorting and LINQ over enums and
        // ints would be JIT-compiled in every new process, the module's precompiled code cannot hold them.
        var bands = new WaitBand[bandSheets.Count];
        var indexes = new List<int>(bands.Length + 1);
        foreach (BandDefinition definition in BandCatalogue.All)
        {
            if (bandSheets.TryGetValue(definition.Band, out int index))
            {
                bands[indexes.Count] = definition.Band;
                indexes.Add(index);
            }
        }

        int cover = -1;
        for (int i = 0; i < sheetNames.Count && cover < 0; i++)
        {
            if (CoverPage.IsCoverPage(sheetNames[i]))
            {
                cover = i;
                indexes.Add(i);
            }
        }

        IReadOnlyList<SheetGrid> grids = source.ReadSheets(indexes, cancellationToken);
        var table = new RecordTable();
        var unknownHeaders = new List<UnknownServiceHeader>();
        var organisations = new Dictionary<(OrganisationType Type, string Code), int>[bands.Length];
        for (int b = 0; b < bands.Length; b++)
        {
            organisations[b] = BandSheetReader.Read(file, bands[b], grids[b], table, unknownHeaders);
        }

        SameOrganisations.Check(file, grids, organisations);

        DateTime? lastUpdated = CoverPage.ReadLastUpdated(cover < 0 ? null : grids[^1]);
        return new WorkbookContent
        {
            SourceFile = file,
            Period = period,
            LastUpdated = lastUpdated,
            HasSplit52Weeks = split,
            BandSheets = bandSheets.ToDictionary(p => p.Key, p => sheetNames[p.Value]),
            SheetNames = sheetNames,
            UnknownHeaders = unknownHeaders.Select(u => u.Header).ToArray(),
            UnknownServiceHeaders = unknownHeaders,
            Records = table.ToRecords(period, split, lastUpdated, file),
        };
    }

    private static DateTime ReadPeriod(string file, Dictionary<WaitBand, int> bandSheets, Dictionary<int, string> titles, IReadOnlyList<string> sheetNames)
    {
        DateTime? first = null;
        bool mixed = false;
        for (int sheet = 0; sheet < sheetNames.Count; sheet++)
        {
            if (!bandSheets.ContainsValue(sheet))
            {
                continue;
            }

            if (!TitlePeriod.TryParse(titles[sheet], out DateTime period))
            {
                throw new WorkbookFormatException(
                    WorkbookErrorIds.PeriodMissing,
                    file,
                    $"'{file}', sheet '{sheetNames[sheet]}': the title '{titles[sheet]}' does not end with the month the data is for (e.g. ', August 2024'), so the period cannot be known. Correct the title or download the workbook again.",
                    sheetNames[sheet],
                    "A1");
            }

            first ??= period;
            mixed |= period != first;
        }

        return mixed ? throw MixedPeriods(file, bandSheets, titles, sheetNames) : first!.Value;
    }

    /// <summary>The error for titles that name more than one month, listing the sheets of each.</summary>
    private static WorkbookFormatException MixedPeriods(string file, Dictionary<WaitBand, int> bandSheets, Dictionary<int, string> titles, IReadOnlyList<string> sheetNames)
    {
        var periods = new SortedDictionary<DateTime, List<string>>();
        foreach (int sheet in bandSheets.Values.Order())
        {
            _ = TitlePeriod.TryParse(titles[sheet], out DateTime period);
            if (!periods.TryGetValue(period, out List<string>? sheets))
            {
                periods.Add(period, sheets = []);
            }

            sheets.Add(sheetNames[sheet]);
        }

        string detail = string.Join("; ", periods.Select(p => $"{p.Key.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}: {string.Join(", ", p.Value.Select(s => $"'{s}'"))}"));
        return new WorkbookFormatException(
            WorkbookErrorIds.PeriodMismatch,
            file,
            $"'{file}': the table titles name different months ({detail}), so the workbook mixes periods. Download the workbook again; do not combine sheets from different months.",
            periods.Last().Value[0],
            "A1");
    }
}
