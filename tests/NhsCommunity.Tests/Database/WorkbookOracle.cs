using System.Globalization;
using System.Text.RegularExpressions;
using NhsCommunity.Catalogue;
using NhsCommunity.Tests.Fixtures;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// Every provider cell of a workbook's Table 4 sheets, read straight from the file with ExcelDataReader
/// (not through the module's importer): the oracle the database is compared with after a backfill.
/// </summary>
internal sealed partial class WorkbookOracle
{
    private WorkbookOracle(DateTime period, bool split, Dictionary<(string Trust, string Section, string Service, string Band), long> cells)
    {
        Period = period;
        IsSplit = split;
        Cells = cells;
    }

    public DateTime Period { get; }

    /// <summary>The 52+ band is published as 52-104 and 104+ (December 2024 onwards).</summary>
    public bool IsSplit { get; }

    /// <summary>(trust, adult_services|cyp_services, service key, band key) -> the number in the cell; blank cells are absent.</summary>
    public IReadOnlyDictionary<(string Trust, string Section, string Service, string Band), long> Cells { get; }

    public static WorkbookOracle Read(string path)
    {
        var cells = new Dictionary<(string, string, string, string), long>();
        DateTime? period = null;
        bool split = false;
        foreach (var (name, rows) in ExcelCells.Read(path).Where(sheet => sheet.Name.StartsWith("Table 4", StringComparison.Ordinal)))
        {
            string title = Convert.ToString(rows[0][0], CultureInfo.InvariantCulture) ?? "";
            Assert.True(BandCatalogue.TryMatchTitle(title, out WaitBand band), $"unrecognised title '{title}' on {name}");
            split |= band == WaitBand.Wait104PlusWeeks;
            Match month = MonthAtEnd().Match(title);
            period ??= DateTime.ParseExact(month.Groups[1].Value, "MMMM yyyy", CultureInfo.InvariantCulture);

            int header = rows.ToList().FindIndex(r => r.Any(c => c is string s && s.Trim() == "Organisation Code"));
            object?[] headings = rows[header];
            int typeColumn = Array.FindIndex(headings, c => c is string s && s.Trim() == "Organisation Type");
            int codeColumn = Array.FindIndex(headings, c => c is string s && s.Trim() == "Organisation Code");
            int nameColumn = Array.FindIndex(headings, c => c is string s && s.Trim() == "Organisation Name");
            for (int r = header + 1; r < rows.Count; r++)
            {
                object?[] row = rows[r];
                if (!string.Equals(Convert.ToString(row[typeColumn], CultureInfo.InvariantCulture)?.Trim(), "Provider", StringComparison.Ordinal))
                {
                    continue;
                }

                string code = Convert.ToString(row[codeColumn], CultureInfo.InvariantCulture)!.Trim();
                for (int c = nameColumn + 1; c < headings.Length; c++)
                {
                    if (headings[c] is not string heading || string.IsNullOrWhiteSpace(heading) || row[c] is null
                        || (row[c] is string text && string.IsNullOrWhiteSpace(text)))
                    {
                        continue;
                    }

                    ServiceDefinition service = Service(heading);
                    string section = service.Category == ServiceCategory.Adult ? "adult_services" : "cyp_services";
                    long value = Convert.ToInt64(row[c], CultureInfo.InvariantCulture);
                    cells[(code, section, service.Key, BandCatalogue.JsonKey(band))] = value;
                }
            }
        }

        if (split)
        {
            // The document's 52+ figure is the sum of the two split sheets.
            foreach (var key in cells.Keys.Where(k => k.Item4 == "wait_52_104_weeks").ToList())
            {
                var over104 = (key.Item1, key.Item2, key.Item3, "wait_104_plus_weeks");
                if (cells.TryGetValue(over104, out long more))
                {
                    cells[(key.Item1, key.Item2, key.Item3, "wait_52_plus_weeks")] = cells[key] + more;
                }
            }
        }

        return new WorkbookOracle(period!.Value, split, cells);
    }

    /// <summary>"(A) Podiatry ..." / "(CYP) Audiology": the catalogue's service of that category whose name matches, letters and digits only.</summary>
    private static ServiceDefinition Service(string heading)
    {
        Match prefix = CategoryPrefix().Match(heading);
        Assert.True(prefix.Success, $"service header without (A)/(CYP): '{heading}'");
        ServiceCategory category = prefix.Groups[1].Value == "A" ? ServiceCategory.Adult : ServiceCategory.CYP;
        string name = Letters(heading[prefix.Length..]);
        return ServiceCatalogue.All.SingleOrDefault(s => s.Category == category && Letters(s.Name) == name) ?? ServiceCatalogue.Derive(heading);
    }

    private static string Letters(string text) => string.Concat(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant));

    [GeneratedRegex(@"^\s*\((A|CYP)\)\s*")]
    private static partial Regex CategoryPrefix();

    [GeneratedRegex(@"([A-Z][a-z]+ \d{4})\s*$")]
    private static partial Regex MonthAtEnd();
}
