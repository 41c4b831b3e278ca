using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Reads one Table 4 sheet (one wait band) into the record table: finds the header row by its content,
/// maps each service column through the catalogue, and checks every count it takes.
/// </summary>
internal static class BandSheetReader
{
    private const string TypeHeader = "Organisation Type";
    private const string CodeHeader = "Organisation Code";
    private const string NameHeader = "Organisation Name";

    /// <summary>Reads the sheet's counts into <paramref name="table"/>; returns the row number of each organisation it lists.</summary>
    public static Dictionary<(OrganisationType Type, string Code), int> Read(string file, WaitBand band, SheetGrid sheet, RecordTable table, ICollection<UnknownServiceHeader> unknownHeaders)
    {
        (int headerIndex, int typeColumn, int codeColumn, int nameColumn) = FindHeader(file, sheet);
        SheetRow header = sheet.Rows[headerIndex];
        Dictionary<int, int> serviceByColumn = MapServices(file, sheet, header, [typeColumn, codeColumn, nameColumn], table, unknownHeaders);

        var seen = new Dictionary<(OrganisationType Type, string Code), int>();
        for (int r = headerIndex + 1; r < sheet.Rows.Count; r++)
        {
            SheetRow row = sheet.Rows[r];
            string typeText = row.TextAt(typeColumn);
            if (!TryParseType(typeText, out OrganisationType type))
            {
                // Notes and blank styled rows below the table carry no counts; a row that does must say whose they are.
                if (FirstCount(row, serviceByColumn) is SheetCell stray)
                {
                    throw new WorkbookFormatException(
                        WorkbookErrorIds.OrganisationTypeUnknown,
                        file,
                        $"'{file}', sheet '{sheet.Name}', cell {CellReference.ToA1(row.Number, typeColumn)}: the row has counts (e.g. {CellReference.ToA1(row.Number, stray.Column)}) but its Organisation Type is '{typeText}', not National, Region, ICB or Provider. Correct the row or remove it.",
                        sheet.Name,
                        CellReference.ToA1(row.Number, typeColumn));
                }

                continue;
            }

            string code = CodeAt(row, codeColumn);
            if (seen.TryGetValue((type, code), out int firstRow))
            {
                throw new WorkbookFormatException(
                    WorkbookErrorIds.DuplicateOrganisation,
                    file,
                    $"'{file}', sheet '{sheet.Name}', cell {CellReference.ToA1(row.Number, codeColumn)}: {type} '{code}' has two rows (rows {firstRow} and {row.Number}), so its counts would be ambiguous. Remove the duplicate row, or download the workbook again.",
                    sheet.Name,
                    CellReference.ToA1(row.Number, codeColumn));
            }

            seen.Add((type, code), row.Number);
            int organisation = table.OrganisationSlot(type, code, row.TextAt(nameColumn));
            foreach (SheetCell cell in row.Cells)
            {
                if (cell.IsBlank || cell.Column == typeColumn || cell.Column == codeColumn || cell.Column == nameColumn)
                {
                    continue;
                }

                if (!serviceByColumn.TryGetValue(cell.Column, out int service))
                {
                    throw WithoutHeader(file, sheet.Name, header, row.Number, cell);
                }

                table.Set(organisation, service, band, ToCount(file, sheet.Name, row.Number, cell));
            }
        }

        return seen;
    }

    private static (int Index, int Type, int Code, int Name) FindHeader(string file, SheetGrid sheet)
    {
        for (int i = 0; i < sheet.Rows.Count; i++)
        {
            int type = 0, code = 0, name = 0;
            foreach (SheetCell cell in sheet.Rows[i].Cells)
            {
                if (cell.Kind != CellKind.Text)
                {
                    continue;
                }

                string text = cell.Text!.Trim();
                if (type == 0 && text.Equals(TypeHeader, StringComparison.OrdinalIgnoreCase))
                {
                    type = cell.Column;
                }
                else if (code == 0 && text.Equals(CodeHeader, StringComparison.OrdinalIgnoreCase))
                {
                    code = cell.Column;
                }
                else if (name == 0 && text.Equals(NameHeader, StringComparison.OrdinalIgnoreCase))
                {
                    name = cell.Column;
                }
            }

            if (type > 0 && code > 0 && name > 0)
            {
                return (i, type, code, name);
            }
        }

        throw new WorkbookFormatException(
            WorkbookErrorIds.HeaderRowNotFound,
            file,
            $"'{file}', sheet '{sheet.Name}': no header row with '{TypeHeader}', '{CodeHeader}' and '{NameHeader}' was found, so the service columns cannot be told apart. Check that the sheet has not been edited.",
            sheet.Name);
    }

    private static Dictionary<int, int> MapServices(
        string file, SheetGrid sheet, SheetRow header, int[] organisationColumns, RecordTable table, ICollection<UnknownServiceHeader> unknownHeaders)
    {
        var serviceByColumn = new Dictionary<int, int>();
        var columnByService = new Dictionary<int, int>();
        foreach (SheetCell cell in header.Cells)
        {
            if (cell.IsBlank || Array.IndexOf(organisationColumns, cell.Column) >= 0)
            {
                continue;
            }

            string text = cell.Display.Trim();
            if (!ServiceCatalogue.TryMatch(text, out ServiceDefinition definition))
            {
                definition = ServiceCatalogue.Derive(text);
                if (!unknownHeaders.Any(u => u.Header == text))
                {
                    unknownHeaders.Add(new UnknownServiceHeader(text, sheet.Name, CellReference.ToA1(header.Number, cell.Column), definition.Category, definition.Key));
                }
            }

            int service = table.ServiceSlot(definition, text);
            if (columnByService.TryGetValue(service, out int earlier))
            {
                string reference = CellReference.ToA1(header.Number, cell.Column);
                throw new WorkbookFormatException(
                    WorkbookErrorIds.DuplicateService,
                    file,
                    $"'{file}', sheet '{sheet.Name}', cell {reference}: '{text}' names the same service ({definition.Category} {definition.Key}) as column {CellReference.ColumnName(earlier)}. Remove the duplicate column.",
                    sheet.Name,
                    reference);
            }

            columnByService.Add(service, cell.Column);
            serviceByColumn.Add(cell.Column, service);
        }

        return serviceByColumn;
    }

    /// <summary>A value whose column has no service header (blank, merged into its neighbour, or past the last one) cannot be given a meaning.</summary>
    private static WorkbookFormatException WithoutHeader(string file, string sheet, SheetRow header, int row, SheetCell cell)
    {
        string reference = CellReference.ToA1(row, cell.Column);
        string headerCell = CellReference.ToA1(header.Number, cell.Column);
        return new WorkbookFormatException(
            WorkbookErrorIds.CountWithoutHeader,
            file,
            $"'{file}', sheet '{sheet}', cell {reference}: '{cell.Display}' is in a column with no service header (cell {headerCell} is blank, merged with its neighbour, or past the last header), so which service it counts cannot be known. Put the service's name in {headerCell}, or remove the value.",
            sheet,
            reference);
    }

    private static int ToCount(string file, string sheet, int row, SheetCell cell)
    {
        // Nearly every cell is a whole number of patients: it needs no cell reference, which is built only for a message.
        if (cell.Kind == CellKind.Number && cell.Number >= 0 && cell.Number <= int.MaxValue && cell.Number == Math.Floor(cell.Number))
        {
            return (int)cell.Number;
        }

        return CheckedCount(file, sheet, row, cell);
    }

    private static int CheckedCount(string file, string sheet, int row, SheetCell cell)
    {
        string reference = CellReference.ToA1(row, cell.Column);
        (string? id, string? problem) = cell.Kind switch
        {
            CellKind.Date => (WorkbookErrorIds.CountIsDate, $"holds a date ({cell.Display}, stored as {cell.Number.ToString(CultureInfo.InvariantCulture)}), not a count of patients. If the number is right, format the cell as a number"),
            CellKind.Error => (WorkbookErrorIds.CountIsError, $"holds the error value {cell.Text}, not a count of patients. Correct the cell"),
            CellKind.FormulaWithoutValue => (WorkbookErrorIds.CountFormulaWithoutValue, "holds a formula whose result was never saved, so its count is unknown. Open the workbook in Excel, let it calculate, save it"),
            CellKind.Damaged => (WorkbookErrorIds.Corrupt, $"is damaged: {cell.Text}, so its count cannot be known. The file may be a damaged copy: open and save it in Excel"),
            _ => (null, null),
        };
        if (id is not null)
        {
            throw new WorkbookFormatException(id, file, $"'{file}', sheet '{sheet}', cell {reference} {problem}, or download the workbook again.", sheet, reference);
        }

        double number;
        if (cell.Kind == CellKind.Number)
        {
            number = cell.Number;
        }
        else if (cell.Kind != CellKind.Text
            || !double.TryParse(cell.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out number))
        {
            // A number stored as text is still a count; anything else ('*', 'n/a', a date) is not.
            throw new WorkbookFormatException(
                WorkbookErrorIds.CountNotNumeric,
                file,
                $"'{file}', sheet '{sheet}', cell {reference}: '{cell.Display}' is not a count of patients. Counts are whole numbers; a blank cell means not submitted. Correct the cell or download the workbook again.",
                sheet,
                reference);
        }

        if (number < 0)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.CountNegative,
                file,
                $"'{file}', sheet '{sheet}', cell {reference}: {number.ToString(CultureInfo.InvariantCulture)} is negative, and a count of patients cannot be. Correct the cell or download the workbook again.",
                sheet,
                reference);
        }

        if (number != Math.Floor(number) || number > int.MaxValue)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.CountNotNumeric,
                file,
                $"'{file}', sheet '{sheet}', cell {reference}: {number.ToString(CultureInfo.InvariantCulture)} is not a whole number, so it cannot be a count of patients. Correct the cell or download the workbook again.",
                sheet,
                reference);
        }

        return (int)number;
    }

    private static SheetCell? FirstCount(SheetRow row, Dictionary<int, int> serviceByColumn)
    {
        foreach (SheetCell cell in row.Cells)
        {
            if (!cell.IsBlank && serviceByColumn.ContainsKey(cell.Column))
            {
                return cell;
            }
        }

        return null;
    }

    private static bool TryParseType(string text, out OrganisationType type) =>
        Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type) && !int.TryParse(text, CultureInfo.InvariantCulture, out _);

    /// <summary>Codes are text ("RGT", "Y61"); a code typed as a number still reads as its digits. Blank for National.</summary>
    private static string CodeAt(SheetRow row, int column) =>
        row.TryGet(column, out SheetCell cell) && !cell.IsBlank ? cell.Display.Trim() : "";
}
