using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NhsCommunity.Fixtures;

/// <summary>
/// Damages a copy of a real or generated .xlsx in the ways a partial download, a careless edit or a crafted
/// file would: a sheet or part cut short, a cell replaced or restyled, a header blanked, a part that
/// inflates far beyond its compressed size, a zip header that lies. The source file is never changed; every
/// method writes <c>destination</c> (a valid zip unless said otherwise) and returns it.
/// </summary>
public static class WorkbookDamage
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string OfficeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

    /// <summary>The zip entry of a sheet, by its tab name ("Table 4a" gives e.g. "xl/worksheets/sheet7.xml").</summary>
    public static string SheetPart(string workbook, string sheetName)
    {
        using ZipArchive zip = ZipFile.OpenRead(workbook);
        XDocument book = XDocument.Load(zip.GetEntry("xl/workbook.xml")!.Open());
        string id = book.Descendants(XName.Get("sheet", Main)).Single(s => (string?)s.Attribute("name") == sheetName)
            .Attribute(XName.Get("id", OfficeRelationships))!.Value;
        XDocument relationships = XDocument.Load(zip.GetEntry("xl/_rels/workbook.xml.rels")!.Open());
        string target = relationships.Descendants(XName.Get("Relationship", PackageRelationships)).Single(r => (string?)r.Attribute("Id") == id)
            .Attribute("Target")!.Value;
        return target.StartsWith('/') ? target[1..] : "xl/" + target;
    }

    /// <summary>Copies the workbook, passing one part's bytes through <paramref name="change"/>.</summary>
    public static string RewritePart(string source, string destination, string part, Func<byte[], byte[]> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using ZipArchive input = ZipFile.OpenRead(source);
        using var output = new ZipArchive(File.Create(destination), ZipArchiveMode.Create);
        bool found = false;
        foreach (ZipArchiveEntry entry in input.Entries)
        {
            byte[] bytes = ReadAll(entry);
            if (entry.FullName == part)
            {
                bytes = change(bytes);
                found = true;
            }

            using Stream written = output.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
            written.Write(bytes);
        }

        return found ? destination : throw new ArgumentException($"'{source}' has no part '{part}'.", nameof(part));
    }

    /// <summary>Copies the workbook with one sheet's XML (as text) passed through <paramref name="edit"/>.</summary>
    public static string EditSheet(string source, string destination, string sheetName, Func<string, string> edit) =>
        RewritePart(source, destination, SheetPart(source, sheetName), bytes => Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(bytes))));

    /// <summary>The sheet's XML stops just before row <paramref name="lastRow"/> + 1: no &lt;/sheetData&gt;, no &lt;/worksheet&gt;.</summary>
    public static string TruncateSheetAfterRow(string source, string destination, string sheetName, int lastRow) =>
        EditSheet(source, destination, sheetName, xml =>
        {
            int next = xml.IndexOf($"<row r=\"{(lastRow + 1).ToString(CultureInfo.InvariantCulture)}\"", StringComparison.Ordinal);
            return next > 0 ? xml[..next] : throw new ArgumentException($"sheet '{sheetName}' has no row {lastRow + 1}", nameof(lastRow));
        });

    /// <summary>Keeps the first <paramref name="keepFraction"/> of a part's bytes (e.g. "xl/sharedStrings.xml").</summary>
    public static string TruncatePart(string source, string destination, string part, double keepFraction) =>
        RewritePart(source, destination, part, bytes => bytes[..(int)(bytes.Length * keepFraction)]);

    /// <summary>
    /// Replaces the cell at <paramref name="reference"/> (e.g. "E12") with <paramref name="cellXml"/>, written as in
    /// the sheet (e.g. <c>&lt;c r="E12"&gt;&lt;f&gt;SUM(D12:D13)&lt;/f&gt;&lt;/c&gt;</c>); the cell must exist, styled empty or not.
    /// </summary>
    public static string ReplaceCell(string source, string destination, string sheetName, string reference, string cellXml) =>
        EditSheet(source, destination, sheetName, xml => ReplaceCellXml(xml, reference, _ => cellXml));

    /// <summary>
    /// Gives the cell at <paramref name="reference"/> a new style showing number format <paramref name="numFmtId"/>:
    /// a built-in one (14 is "m/d/yyyy"), or, with <paramref name="formatCode"/>, a custom one (id 164 up). The value stays.
    /// </summary>
    public static string FormatCell(string source, string destination, string sheetName, string reference, int numFmtId, string? formatCode = null)
    {
        string sheetPart = SheetPart(source, sheetName);
        string styled = destination + ".styles.tmp";
        int style = -1;
        RewritePart(source, styled, "xl/styles.xml", bytes =>
        {
            XDocument styles = XDocument.Parse(Encoding.UTF8.GetString(bytes));
            XElement root = styles.Root!;
            if (formatCode is not null)
            {
                XElement? formats = root.Element(XName.Get("numFmts", Main));
                if (formats is null)
                {
                    formats = new XElement(XName.Get("numFmts", Main));
                    root.AddFirst(formats);
                }

                formats.Add(new XElement(XName.Get("numFmt", Main), new XAttribute("numFmtId", numFmtId), new XAttribute("formatCode", formatCode)));
                formats.SetAttributeValue("count", formats.Elements().Count());
            }

            XElement cellXfs = root.Element(XName.Get("cellXfs", Main))!;
            cellXfs.Add(new XElement(XName.Get("xf", Main),
                new XAttribute("numFmtId", numFmtId), new XAttribute("fontId", 0), new XAttribute("fillId", 0), new XAttribute("borderId", 0),
                new XAttribute("xfId", 0), new XAttribute("applyNumberFormat", 1)));
            style = cellXfs.Elements().Count() - 1;
            cellXfs.SetAttributeValue("count", style + 1);
            return Encoding.UTF8.GetBytes(styles.Declaration + styles.ToString(SaveOptions.DisableFormatting));
        });
        try
        {
            return RewritePart(styled, destination, sheetPart, bytes => Encoding.UTF8.GetBytes(ReplaceCellXml(Encoding.UTF8.GetString(bytes), reference, cell =>
            {
                string withoutStyle = Regex.Replace(cell, @"^<c([^>]*?) s=""\d+""", "<c$1");
                return withoutStyle.Replace($"<c r=\"{reference}\"", $"<c r=\"{reference}\" s=\"{style.ToString(CultureInfo.InvariantCulture)}\"", StringComparison.Ordinal);
            })));
        }
        finally
        {
            File.Delete(styled);
        }
    }

    /// <summary>
    /// A zip bomb made of a real workbook: <paramref name="paddingBytes"/> of whitespace (legal between rows) in the
    /// sheet's &lt;sheetData&gt;, which deflates about a thousand to one. The file stays a few MB; the sheet inflates to GBs.
    /// </summary>
    public static string InflateSheet(string source, string destination, string sheetName, long paddingBytes)
    {
        string part = SheetPart(source, sheetName);
        using ZipArchive input = ZipFile.OpenRead(source);
        using var output = new ZipArchive(File.Create(destination), ZipArchiveMode.Create);
        var padding = new byte[1 << 20];
        padding.AsSpan().Fill((byte)' ');
        foreach (ZipArchiveEntry entry in input.Entries)
        {
            byte[] bytes = ReadAll(entry);
            using Stream written = output.CreateEntry(entry.FullName, entry.FullName == part ? CompressionLevel.SmallestSize : CompressionLevel.Fastest).Open();
            if (entry.FullName != part)
            {
                written.Write(bytes);
                continue;
            }

            int cut = bytes.AsSpan().IndexOf("<row "u8);
            written.Write(bytes.AsSpan(0, cut));
            for (long left = paddingBytes; left > 0; left -= padding.Length)
            {
                written.Write(padding, 0, (int)Math.Min(left, padding.Length));
            }

            written.Write(bytes.AsSpan(cut));
        }

        return destination;
    }

    /// <summary>
    /// Copies the workbook with every part stored uncompressed, then changes the digits of the cell at
    /// <paramref name="reference"/> in the file's bytes to <paramref name="digits"/> (as many as it had), leaving
    /// the zip's CRC-32 of the part as it was: the damage a flipped bit does, which only the CRC can show.
    /// </summary>
    public static string ChangeStoredCellBytes(string source, string destination, string sheetName, string reference, string digits)
    {
        string part = SheetPart(source, sheetName);
        using (ZipArchive input = ZipFile.OpenRead(source))
        using (var output = new ZipArchive(File.Create(destination), ZipArchiveMode.Create))
        {
            foreach (ZipArchiveEntry entry in input.Entries)
            {
                using Stream written = output.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                written.Write(ReadAll(entry));
            }
        }

        string xml;
        using (ZipArchive written = ZipFile.OpenRead(destination))
        {
            xml = Encoding.UTF8.GetString(ReadAll(written.GetEntry(part)!));
        }

        string cellXml = CellPattern(reference).Match(xml).Value;
        Match value = Regex.Match(cellXml, "<v>([0-9]+)</v>", RegexOptions.CultureInvariant);
        if (!value.Success || value.Groups[1].Length != digits.Length)
        {
            throw new ArgumentException($"cell {reference} has no value of {digits.Length} digits: {cellXml}", nameof(digits));
        }

        byte[] bytes = File.ReadAllBytes(destination);
        byte[] find = Encoding.UTF8.GetBytes(cellXml);
        int at = bytes.AsSpan().IndexOf(find);
        Encoding.UTF8.GetBytes(digits).CopyTo(bytes, at + Encoding.UTF8.GetByteCount(cellXml[..value.Groups[1].Index]));
        File.WriteAllBytes(destination, bytes);
        return destination;
    }

    /// <summary>
    /// Makes the zip's headers (local and central) declare <paramref name="declaredSize"/> inflated bytes for
    /// <paramref name="part"/>, whatever it really inflates to, as a crafted file would. Changes the file in place.
    /// </summary>
    public static string DeclareInflatedSize(string path, string part, uint declaredSize)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] name = Encoding.UTF8.GetBytes(part);
        int patched = 0;
        for (int at = 0; at + 46 < bytes.Length; at++)
        {
            // Central directory entry: signature, uncompressed size at 24, name length at 28, local header offset at 42, name at 46.
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != 0x02014B50
                || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) != name.Length
                || !bytes.AsSpan(at + 46, name.Length).SequenceEqual(name))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), declaredSize);
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 42));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), declaredSize);
            patched++;
        }

        File.WriteAllBytes(path, patched == 1 ? bytes : throw new ArgumentException($"'{path}' has no single entry '{part}'.", nameof(part)));
        return path;
    }

    private static string ReplaceCellXml(string xml, string reference, Func<string, string> replace)
    {
        Match match = CellPattern(reference).Match(xml);
        return match.Success
            ? string.Concat(xml.AsSpan(0, match.Index), replace(match.Value), xml.AsSpan(match.Index + match.Length))
            : throw new ArgumentException($"no cell {reference} in the sheet", nameof(reference));
    }

    private static Regex CellPattern(string reference) =>
        new($@"<c r=""{reference}""(?:[^>]*?/>|[^>]*?>.*?</c>)", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
