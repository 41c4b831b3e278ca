using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace NhsCommunity.Fixtures;

/// <summary>
/// Writes a generated workbook as .xlsx in the publication's layout: shared strings for text, numeric cells
/// for counts, blanks as styled empty cells (or absent ones), rows padded to the real sheets' width.
/// Sheets are streamed with OpenXmlWriter, so a 10-year history of files is quick to write.
/// </summary>
public static class CommunityWorkbookWriter
{
    // Style indexes into the minimal stylesheet below: 0 plain, 1 bold (titles, headers), 2 number with thousands separator.
    private const uint PlainStyle = 0;
    private const uint BoldStyle = 1;
    private const uint NumberStyle = 2;

    /// <summary>Generates the workbook a spec describes and writes it; returns what was written, for comparison.</summary>
    public static SyntheticWorkbook Write(string path, WorkbookSpec spec)
    {
        SyntheticWorkbook workbook = SyntheticWorkbook.Generate(spec);
        Write(path, workbook);
        return workbook;
    }

    /// <summary>Writes an already generated workbook.</summary>
    public static void Write(string path, SyntheticWorkbook workbook)
    {
        ArgumentNullException.ThrowIfNull(workbook);
        WriteSheets(path, workbook.Sheets, workbook.Spec.PaddedColumns);
    }

    /// <summary>Writes any sheets (of cells: string, int, double or null) as an .xlsx; also used for other publications' files.</summary>
    public static void WriteSheets(string path, IReadOnlyList<SheetModel> sheets, int paddedColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using SpreadsheetDocument document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        WorkbookPart workbookPart = document.AddWorkbookPart();
        var sharedStrings = new SharedStrings();
        var sheetEntries = new List<Sheet>();
        uint sheetId = 1;
        foreach (SheetModel sheet in sheets)
        {
            WorksheetPart part = workbookPart.AddNewPart<WorksheetPart>();
            // The real Cover page and Contents are narrow; the tables are padded to a styled width.
            WriteSheet(part, sheet, sharedStrings, sheet.Name.StartsWith("Table ", StringComparison.Ordinal) ? paddedColumns : 0);
            sheetEntries.Add(new Sheet { Name = sheet.Name, SheetId = sheetId++, Id = workbookPart.GetIdOfPart(part) });
        }

        WriteSharedStrings(workbookPart.AddNewPart<SharedStringTablePart>(), sharedStrings);
        workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
        workbookPart.Workbook = new Workbook(new Sheets(sheetEntries));
        workbookPart.Workbook.Save();
    }

    private static void WriteSheet(WorksheetPart part, SheetModel sheet, SharedStrings sharedStrings, int paddedColumns)
    {
        int widest = Math.Max(paddedColumns, sheet.Rows.Count == 0 ? 1 : sheet.Rows.Max(r => r.Count));
        using OpenXmlWriter writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(new SheetDimension { Reference = $"A1:{CellReference.Of(Math.Max(1, sheet.Rows.Count), Math.Max(1, widest))}" });
        writer.WriteStartElement(new SheetData());

        // One element and attribute array reused for every cell: the writer only reads them.
        var row = new Row();
        var cell = new Cell();
        var value = new CellValue();
        var rowAttributes = new OpenXmlAttribute[1];
        var textAttributes = new OpenXmlAttribute[3];
        var numberAttributes = new OpenXmlAttribute[2];
        var blankAttributes = new OpenXmlAttribute[2];
        for (int r = 0; r < sheet.Rows.Count; r++)
        {
            IReadOnlyList<object?> cells = sheet.Rows[r];
            string rowNumber = (r + 1).ToString(CultureInfo.InvariantCulture);
            rowAttributes[0] = new OpenXmlAttribute("r", "", rowNumber);
            writer.WriteStartElement(row, rowAttributes);

            // The title row is a single cell, as published; other rows are padded to the sheet's styled width.
            int last = r == 0 ? cells.Count : Math.Max(cells.Count, paddedColumns);
            bool header = r == 0 || (cells.Count > 0 && cells[0] as string == "Organisation Type");
            for (int c = 0; c < last; c++)
            {
                object? content = c < cells.Count ? cells[c] : null;
                string reference = CellReference.Column(c + 1) + rowNumber;
                switch (content)
                {
                    case null when paddedColumns == 0:
                        break;
                    case null:
                        blankAttributes[0] = new OpenXmlAttribute("r", "", reference);
                        blankAttributes[1] = new OpenXmlAttribute("s", "", PlainStyle.ToString(CultureInfo.InvariantCulture));
                        writer.WriteStartElement(cell, blankAttributes);
                        writer.WriteEndElement();
                        break;
                    case string text:
                        textAttributes[0] = new OpenXmlAttribute("r", "", reference);
                        textAttributes[1] = new OpenXmlAttribute("s", "", (header ? BoldStyle : PlainStyle).ToString(CultureInfo.InvariantCulture));
                        textAttributes[2] = new OpenXmlAttribute("t", "", "s");
                        writer.WriteStartElement(cell, textAttributes);
                        writer.WriteStartElement(value);
                        writer.WriteString(sharedStrings.IndexOf(text).ToString(CultureInfo.InvariantCulture));
                        writer.WriteEndElement();
                        writer.WriteEndElement();
                        break;
                    default:
                        numberAttributes[0] = new OpenXmlAttribute("r", "", reference);
                        numberAttributes[1] = new OpenXmlAttribute("s", "", NumberStyle.ToString(CultureInfo.InvariantCulture));
                        writer.WriteStartElement(cell, numberAttributes);
                        writer.WriteStartElement(value);
                        writer.WriteString(Convert.ToString(content, CultureInfo.InvariantCulture) ?? "");
                        writer.WriteEndElement();
                        writer.WriteEndElement();
                        break;
                }
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteSharedStrings(SharedStringTablePart part, SharedStrings sharedStrings)
    {
        using OpenXmlWriter writer = OpenXmlWriter.Create(part);
        string count = sharedStrings.Count.ToString(CultureInfo.InvariantCulture);
        writer.WriteStartElement(new SharedStringTable(), [new OpenXmlAttribute("count", "", count), new OpenXmlAttribute("uniqueCount", "", count)]);
        var item = new SharedStringItem();
        foreach (string text in sharedStrings.InOrder)
        {
            writer.WriteStartElement(item);
            writer.WriteElement(new Text(text) { Space = text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) ? SpaceProcessingModeValues.Preserve : null });
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static Stylesheet Styles() => new(
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Arial" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Arial" }))
        { Count = 2 },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }))
        { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellFormats(
            new CellFormat { FontId = 0, FillId = 0, BorderId = 0, NumberFormatId = 0 },
            new CellFormat { FontId = 1, FillId = 0, BorderId = 0, NumberFormatId = 0, ApplyFont = true },
            new CellFormat { FontId = 0, FillId = 0, BorderId = 0, NumberFormatId = 3, ApplyNumberFormat = true })
        { Count = 3 });

    /// <summary>The shared string table being built: each distinct text once, in first-use order.</summary>
    private sealed class SharedStrings
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> InOrder { get; } = [];

        public int Count => InOrder.Count;

        public int IndexOf(string text)
        {
            if (!_index.TryGetValue(text, out int index))
            {
                index = InOrder.Count;
                _index.Add(text, index);
                InOrder.Add(text);
            }

            return index;
        }
    }
}
