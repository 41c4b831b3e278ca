using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Every band sheet of a published workbook lists the same organisations, each sheet one band of the same
/// table. An organisation missing from one sheet would silently lose its counts for that band, so the
/// workbook is refused instead.
/// </summary>
internal static class SameOrganisations
{
    /// <param name="grids">The band sheets, in the order of <paramref name="organisations"/>.</param>
    /// <param name="organisations">Per band sheet, the row number of each organisation it lists.</param>
    public static void Check(string file, IReadOnlyList<SheetGrid> grids, IReadOnlyList<Dictionary<(OrganisationType Type, string Code), int>> organisations)
    {
        Dictionary<(OrganisationType Type, string Code), int> first = organisations[0];
        for (int b = 1; b < organisations.Count; b++)
        {
            Dictionary<(OrganisationType Type, string Code), int> other = organisations[b];
            if (other.Count == first.Count && first.Keys.All(other.ContainsKey))
            {
                continue;
            }

            // Name the sheet that lacks the organisation, and where the other sheet has it.
            (int lacking, int having) = first.Keys.Any(k => !other.ContainsKey(k)) ? (b, 0) : (0, b);
            (OrganisationType Type, string Code) organisation = organisations[having].Keys.First(k => !organisations[lacking].ContainsKey(k));
            string sheet = grids[lacking].Name;
            throw new WorkbookFormatException(
                WorkbookErrorIds.OrganisationsDiffer,
                file,
                $"'{file}', sheet '{sheet}': {organisation.Type} '{organisation.Code}' has no row, though sheet '{grids[having].Name}' lists it (row {organisations[having][organisation]}). Every band sheet lists the same organisations, so a row is missing and that organisation's counts for the band would be lost. Download the workbook again.",
                sheet);
        }
    }
}
