using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// What "the same records" means for a damaged file. The records are taken apart into cells, one per
/// organisation (type and code), band table and column, each with its value, and the two sets must be equal:
/// no cell missing, none extra, no value different, the organisation's name the same. A band table is one
/// sheet (in split months 4g and 4h, not their derived sum), and a column is its service header as published
/// (unique in a sheet, so it is the column's position by another name). Where the damage renamed a header,
/// the column is followed to its new name: its service key may then differ (but must not be empty), its
/// numbers may not. Period, split, publication date and which sheet holds which band must also be equal.
/// Blank cells are not in either set (blank is not zero), so a count turned blank is a missing cell.
/// </summary>
internal static class RecordCells
{
    private readonly record struct CellKey(OrganisationType Type, string Code, WaitBand Band, string Column);

    private readonly record struct CellValue(int Count, string Name, ServiceCategory Category, string Key, bool Renamed);

    /// <summary>How <paramref name="actual"/> differs from <paramref name="expected"/>, in words; empty when equal.</summary>
    public static IReadOnlyList<string> Differences(WorkbookContent expected, WorkbookContent actual, IReadOnlyList<HeaderRename> renames)
    {
        var differences = new List<string>();
        void Compare<T>(string what, T want, T got)
        {
            if (!EqualityComparer<T>.Default.Equals(want, got))
            {
                differences.Add($"{what}: expected {want}, read {got}");
            }
        }

        Compare("period", expected.Period, actual.Period);
        Compare("52+ split", expected.HasSplit52Weeks, actual.HasSplit52Weeks);
        Compare("publication date", expected.LastUpdated, actual.LastUpdated);
        Compare("band sheets", Describe(expected.BandSheets), Describe(actual.BandSheets));

        Dictionary<CellKey, CellValue> want = Cells(expected, []);
        Dictionary<CellKey, CellValue> got = Cells(actual, renames);
        foreach ((CellKey key, CellValue value) in want)
        {
            if (!got.TryGetValue(key, out CellValue read))
            {
                differences.Add($"{Where(key)}: expected {value.Count}, read no value");
            }
            else if (read.Count != value.Count || read.Name != value.Name)
            {
                differences.Add($"{Where(key)}: expected {value.Count} ('{value.Name}'), read {read.Count} ('{read.Name}')");
            }
            else if (read.Renamed ? read.Key.Length == 0 : (read.Category, read.Key) != (value.Category, value.Key))
            {
                differences.Add($"{Where(key)}: expected service {value.Category} '{value.Key}', read {read.Category} '{read.Key}'");
            }
        }

        differences.AddRange(got.Keys.Where(k => !want.ContainsKey(k)).Select(k => $"{Where(k)}: expected no value, read {got[k].Count}"));
        differences.AddRange(renames.Where(r => !actual.UnknownHeaders.Contains(r.To)).Select(r => $"'{r.Sheet}': the renamed header '{r.To}' is not among the unknown headers, so no warning names it"));
        return differences;
    }

    private static Dictionary<CellKey, CellValue> Cells(WorkbookContent content, IReadOnlyList<HeaderRename> renames)
    {
        var cells = new Dictionary<CellKey, CellValue>();
        foreach (CommunityRecord record in content.Records)
        {
            foreach ((WaitBand band, string sheet) in content.BandSheets)
            {
                if (record[band] is not int count)
                {
                    continue;
                }

                HeaderRename? rename = renames.FirstOrDefault(r => r.Sheet == sheet && r.To == record.Service);
                var key = new CellKey(record.OrganisationType, record.OrganisationCode, band, rename?.From ?? record.Service);
                var value = new CellValue(count, record.OrganisationName, record.Category, record.ServiceKey, rename is not null);

                // Two records for one cell: the second shows up as a cell the undamaged file does not have.
                while (!cells.TryAdd(key, value))
                {
                    key = key with { Column = key.Column + " (again)" };
                }
            }
        }

        return cells;
    }

    private static string Where(CellKey key) =>
        $"{key.Type} '{key.Code}' {BandCatalogue.JsonKey(key.Band)} '{key.Column}'";

    private static string Describe(IReadOnlyDictionary<WaitBand, string> sheets) =>
        string.Join(", ", sheets.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
}
