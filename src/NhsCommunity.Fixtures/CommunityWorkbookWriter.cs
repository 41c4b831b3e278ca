using System.Globalization;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;

namespace NhsCommunity.Fixtures;

/// <summary>
/// Writes a generated workbook as .xlsx in the publication's layout: shared strings for text, numeric cells
/// for counts, blanks as styled empty cells (or absent ones), rows padded to the real sheets' width.
/// The Open XML SDK lays out the package (parts, relationships, content types); the parts' XML is streamed
/// with an XmlWriter in the default SpreadsheetML namespace, exactly as Excel writes it (the SDK's own writer
/// prefixes every element with "x:"), so a 10-year history of files is quick to write.
/// </summary>
public static class CommunityWorkbookWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    // Style indexes into the minimal stylesheet below: 0 plain, 1 bold (titles, headers), 2 number with thousands separator.
    private const string PlainStyle = "0";
    private const string BoldStyle = "1";
    private const string NumberStyle = "2";

    private static readonly XmlWriterSettings XmlSettings = new() { Encoding = new UTF8Encoding(false), CloseOutput = true };

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

    /// <summary>
    /// Writes any sheets (of cells: string, int, double or null) as an .xlsx; also used for other publications'
    /// files. Sheets named "Table ..." are padded to <paramref name="paddedColumns"/> styled columns.
    /// </summary>
    public static void WriteSheets(string path, IReadOnlyList<SheetModel> sheets, int paddedColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using SpreadsheetDocument document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);

        // Fast deflate: files about the size of the published ones (1.3-1.5 MB), and a history written in two thirds of the time.
        document.CompressionOption = System.IO.Packaging.CompressionOption.Fast;
        WorkbookPart workbookPart = document.AddWorkbookPart();
        var sharedStrings = new SharedStrings();
        var sheetIds = new List<(string Name, string RelationshipId)>();
        foreach (SheetModel sheet in sheets)
        {
            WorksheetPart part = workbookPart.AddNewPart<WorksheetPart>();

            // The real Cover page and Contents are narrow; the tables are padded to a styled width.
            WriteSheet(part, sheet, sharedStrings, sheet.Name.StartsWith("Table ", StringComparison.Ordinal) ? paddedColumns : 0);
            sheetIds.Add((sheet.Name, workbookPart.GetIdOfPart(part)));
        }

        WriteSharedStrings(workbookPart.AddNewPart<SharedStringTablePart>(), sharedStrings);
        WriteStyles(workbookPart.AddNewPart<WorkbookStylesPart>());
        WriteWorkbook(workbookPart, sheetIds);
    }

    private static XmlWriter Open(OpenXmlPart part) => XmlWriter.Create(part.GetStream(FileMode.Create, FileAccess.Write), XmlSettings);

    private static void WriteWorkbook(WorkbookPart part, List<(string Name, string RelationshipId)> sheets)
    {
        using XmlWriter xml = Open(part);
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("workbook", Main);
        xml.WriteAttributeString("xmlns", "r", null, Relationships);
        xml.WriteStartElement("sheets", Main);
        for (int i = 0; i < sheets.Count; i++)
        {
            xml.WriteStartElement("sheet", Main);
            xml.WriteAttributeString("name", sheets[i].Name);
            xml.WriteAttributeString("sheetId", (i + 1).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("id", Relationships, sheets[i].RelationshipId);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteSheet(WorksheetPart part, SheetModel sheet, SharedStrings sharedStrings, int paddedColumns)
    {
        int widest = Math.Max(paddedColumns, sheet.Rows.Count == 0 ? 1 : sheet.Rows.Max(r => r.Count));
        using XmlWriter xml = Open(part);
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("worksheet", Main);
        xml.WriteAttributeString("xmlns", "r", null, Relationships);
        xml.WriteStartElement("dimension", Main);
        xml.WriteAttributeString("ref", $"A1:{CellReference.Of(Math.Max(1, sheet.Rows.Count), Math.Max(1, widest))}");
        xml.WriteEndElement();
        xml.WriteStartElement("sheetData", Main);
        for (int r = 0; r < sheet.Rows.Count; r++)
        {
            IReadOnlyList<object?> cells = sheet.Rows[r];
            string rowNumber = (r + 1).ToString(CultureInfo.InvariantCulture);
            xml.WriteStartElement("row", Main);
            xml.WriteAttributeString("r", rowNumber);

            // The title row is a single cell, as published; other rows are padded to the sheet's styled width.
            int last = r == 0 ? cells.Count : Math.Max(cells.Count, paddedColumns);
            bool header = r == 0 || (cells.Count > 0 && cells[0] as string == "Organisation Type");
            for (int c = 0; c < last; c++)
            {
                object? content = c < cells.Count ? cells[c] : null;
                if (content is null && paddedColumns == 0)
                {
                    continue;
                }

                xml.WriteStartElement("c", Main);
                xml.WriteAttributeString("r", CellReference.Column(c + 1) + rowNumber);
                switch (content)
                {
                    case null:
                        xml.WriteAttributeString("s", PlainStyle);
                        break;
                    case string text:
                        xml.WriteAttributeString("s", header ? BoldStyle : PlainStyle);
                        xml.WriteAttributeString("t", "s");
                        xml.WriteElementString("v", Main, sharedStrings.IndexOf(text).ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        xml.WriteAttributeString("s", NumberStyle);
                        xml.WriteElementString("v", Main, Convert.ToString(content, CultureInfo.InvariantCulture));
                        break;
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteSharedStrings(SharedStringTablePart part, SharedStrings sharedStrings)
    {
        using XmlWriter xml = Open(part);
        string count = sharedStrings.Count.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("sst", Main);
        xml.WriteAttributeString("count", count);
        xml.WriteAttributeString("uniqueCount", count);
        foreach (string text in sharedStrings.InOrder)
        {
            xml.WriteStartElement("si", Main);
            xml.WriteStartElement("t", Main);
            if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
            {
                xml.WriteAttributeString("xml", "space", null, "preserve");
            }

            xml.WriteString(text);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteStyles(WorkbookStylesPart part)
    {
        using XmlWriter xml = Open(part);
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("styleSheet", Main);
        xml.WriteRaw(
            "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Arial\"/></font><font><b/><sz val=\"11\"/><name val=\"Arial\"/></font></fonts>" +
            "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>" +
            "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>" +
            "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>" +
            "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" +
            "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>" +
            "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>");
        xml.WriteEndElement();
    }

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
