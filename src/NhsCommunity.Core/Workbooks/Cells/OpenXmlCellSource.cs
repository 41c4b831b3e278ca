using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// The fast path for .xlsx: streams each sheet's XML straight out of the zip with an XmlReader, keeping only
/// cells that have a value. The real sheets are 200 styled columns wide with a tenth of the cells filled, so
/// skipping the empty &lt;c/&gt; elements without looking inside them is most of the work saved. Band sheets
/// are read in parallel, each worker with its own ZipArchive (ZipArchive is not thread-safe) over the one
/// snapshot of the file's bytes, so every sheet comes from the same file even if it is replaced meanwhile.
/// Every part inflates through <see cref="InflatedPart"/>, which caps its size and ratio.
/// </summary>
internal sealed class OpenXmlCellSource : ICellSource
{
    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships";

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = false,
        CloseInput = true,
    };

    private readonly string _path;
    private readonly byte[] _bytes;
    private readonly WorkbookLimits _limits;
    private readonly ZipArchive _archive;
    private readonly string[] _sheetEntries;
    private readonly string[] _sharedStrings;
    private readonly bool[] _dateStyles;

    public OpenXmlCellSource(string path)
        : this(path, WorkbookSnapshot.Read(path, WorkbookLimits.Default), WorkbookLimits.Default)
    {
    }

    public OpenXmlCellSource(string path, byte[] bytes, WorkbookLimits limits)
    {
        _path = path;
        _bytes = bytes;
        _limits = limits;
        _archive = OpenArchive();
        try
        {
            string workbookPart = FindWorkbookPart(_archive)
                ?? throw new WorkbookFormatException(
                    WorkbookErrorIds.NotAWorkbook,
                    path,
                    $"'{path}' is a zip file but not an Excel workbook (it has no workbook part). Check that it is the .xlsx downloaded from NHS England.");
            Dictionary<string, (string Type, string Target)> workbookRelationships = ReadRelationships(_archive, RelationshipsPartFor(workbookPart));
            (SheetNames, _sheetEntries) = ReadSheetList(_archive, workbookPart, workbookRelationships);
            string? sharedStringsPart = workbookRelationships.Values
                .Where(r => r.Type.EndsWith("/sharedStrings", StringComparison.Ordinal))
                .Select(r => ResolveTarget(workbookPart, r.Target))
                .FirstOrDefault();
            _sharedStrings = sharedStringsPart is null ? [] : ReadSharedStrings(_archive, sharedStringsPart);
            string? stylesPart = workbookRelationships.Values
                .Where(r => r.Type.EndsWith("/styles", StringComparison.Ordinal))
                .Select(r => ResolveTarget(workbookPart, r.Target))
                .FirstOrDefault(part => FindEntry(_archive, part) is not null);
            _dateStyles = stylesPart is null ? [] : ReadPart(stylesPart, $"the styles part '{stylesPart}'", null, CellStyles.ReadDateStyles);
        }
        catch
        {
            _archive.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> SheetNames { get; }

    public string? ReadTitle(int sheetIndex, CancellationToken cancellationToken)
    {
        // Titles sit in the first rows; reading stops there, so a sheet's bulk is never inflated for its title.
        const int TitleRows = 10;
        string? title = null;
        using XmlReader reader = OpenPart(_archive, _sheetEntries[sheetIndex], SheetNames[sheetIndex]);
        Guard(SheetNames[sheetIndex], () => ReadCells(reader, _sharedStrings, _dateStyles, (row, cell) =>
        {
            if (row > TitleRows)
            {
                return false;
            }

            if (cell.Kind == CellKind.Text && !cell.IsBlank)
            {
                title = cell.Text!.Trim();
                return false;
            }

            return true;
        }, cancellationToken));
        return title;
    }

    public IReadOnlyList<SheetGrid> ReadSheets(IReadOnlyList<int> sheetIndexes, CancellationToken cancellationToken)
    {
        var grids = new SheetGrid[sheetIndexes.Count];
        int workers = Math.Min(Environment.ProcessorCount, sheetIndexes.Count);
        if (workers <= 1)
        {
            for (int i = 0; i < sheetIndexes.Count; i++)
            {
                grids[i] = ReadGrid(_archive, sheetIndexes[i], cancellationToken);
            }

            return grids;
        }

        int next = -1;
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, worker =>
            {
                // Worker 0 is the calling thread's share and reuses the archive already open.
                using ZipArchive? own = worker == 0 ? null : OpenArchive();
                ZipArchive archive = own ?? _archive;
                for (int i = Interlocked.Increment(ref next); i < sheetIndexes.Count; i = Interlocked.Increment(ref next))
                {
                    grids[i] = ReadGrid(archive, sheetIndexes[i], cancellationToken);
                }
            });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
        }

        return grids;
    }

    public void Dispose() => _archive.Dispose();

    private ZipArchive OpenArchive() => new(new MemoryStream(_bytes, writable: false), ZipArchiveMode.Read, leaveOpen: false);

    private SheetGrid ReadGrid(ZipArchive archive, int sheetIndex, CancellationToken cancellationToken)
    {
        string sheet = SheetNames[sheetIndex];
        return Guard(sheet, () =>
        {
            ZipArchiveEntry entry = FindEntry(archive, _sheetEntries[sheetIndex])
                ?? throw new InvalidDataException($"The workbook refers to part '{_sheetEntries[sheetIndex]}', which is not in the file.");
            using var part = new InflatedPart(entry, _limits, _path, $"sheet '{sheet}'", sheet);
            long expected = Math.Min(entry.Length, _limits.MaxPartBytes);
            try
            {
                return new SheetGrid(sheet, SheetDataScanner.ReadRows(part, expected, _sharedStrings, _dateStyles, cancellationToken));
            }
            catch (Exception e) when (e is not (OperationCanceledException or WorkbookFormatException or InvalidDataException or OutOfMemoryException))
            {
                // The scanner trusts the XML's shape; markup damaged in a way it did not foresee is still damage, named as such.
                throw new InvalidDataException($"its XML could not be scanned ({e.GetType().Name}: {e.Message})", e);
            }
        });
    }

    /// <summary>Damage found inside a part becomes an error naming the file and the part (a sheet, or the shared strings).</summary>
    private T Guard<T>(string where, string? sheet, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or XmlException or EndOfStreamException or FormatException or OverflowException)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.Corrupt,
                _path,
                $"'{_path}', {where}: the part is incomplete or damaged ({e.Message}), so it cannot be read exactly. It may be a partial download or a damaged copy: download the workbook again.",
                sheet,
                inner: e);
        }
    }

    private T Guard<T>(string sheet, Func<T> read) => Guard($"sheet '{sheet}'", sheet, read);

    private void Guard(string sheet, Action read) => Guard<bool>(sheet, () =>
    {
        read();
        return true;
    });

    private T ReadPart<T>(string part, string where, string? sheet, Func<XmlReader, T> read) => Guard(where, sheet, () =>
    {
        using XmlReader reader = OpenPart(_archive, part, sheet, where);
        return read(reader);
    });

    /// <summary>Every cell through XmlReader: the slower, general reading, kept to check the scanner against.</summary>
    internal SheetGrid ReadGridWithXmlReader(int sheetIndex, CancellationToken cancellationToken)
    {
        var rows = new List<SheetRow>(256);
        var cells = new List<SheetCell>(64);
        int currentRow = 0;
        using (XmlReader reader = OpenPart(_archive, _sheetEntries[sheetIndex], SheetNames[sheetIndex]))
        {
            ReadCells(reader, _sharedStrings, _dateStyles, (row, cell) =>
            {
                if (row != currentRow)
                {
                    if (cells.Count > 0)
                    {
                        rows.Add(new SheetRow(currentRow, [.. cells]));
                        cells.Clear();
                    }

                    currentRow = row;
                }

                cells.Add(cell);
                return true;
            }, cancellationToken);
        }

        if (cells.Count > 0)
        {
            rows.Add(new SheetRow(currentRow, [.. cells]));
        }

        return new SheetGrid(SheetNames[sheetIndex], rows);
    }

    /// <summary>
    /// Calls <paramref name="onCell"/> for every cell with a value, in document order, until it returns false.
    /// Names are compared by reference against the reader's name table, which is what makes the loop cheap.
    /// </summary>
    private static void ReadCells(XmlReader reader, string[] sharedStrings, bool[] dateStyles, Func<int, SheetCell, bool> onCell, CancellationToken cancellationToken)
    {
        XmlNameTable names = reader.NameTable;
        string sheetData = names.Add("sheetData");
        string rowName = names.Add("row");
        string cellName = names.Add("c");
        string valueName = names.Add("v");
        string inlineName = names.Add("is");
        string formulaName = names.Add("f");

        // By local name: writers may prefix the SpreadsheetML namespace (<x:sheetData>), which ReadToFollowing would miss.
        while (reader.Read() && !(reader.NodeType == XmlNodeType.Element && ReferenceEquals(reader.LocalName, sheetData)))
        {
        }

        if (reader.EOF || reader.IsEmptyElement)
        {
            return;
        }

        int sheetDataDepth = reader.Depth;
        int row = 0;
        int column = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.Depth == sheetDataDepth)
                {
                    return;
                }

                continue;
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            string name = reader.LocalName;
            if (ReferenceEquals(name, cellName))
            {
                if (reader.IsEmptyElement)
                {
                    // A styled empty cell: no value. Only its position matters, should a later cell lack "r".
                    column++;
                    continue;
                }

                string? reference = reader.GetAttribute("r");
                column = reference is null ? column + 1 : CellReference.ParseColumn(reference);
                string? type = reader.GetAttribute("t");
                bool dateStyle = CellStyles.IsDate(dateStyles, reader.GetAttribute("s"));
                string? value = null;
                string? inline = null;
                bool formula = false;
                int cellDepth = reader.Depth;
                reader.Read();
                while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == cellDepth))
                {
                    if (reader.NodeType == XmlNodeType.Element)
                    {
                        string child = reader.LocalName;
                        if (ReferenceEquals(child, valueName))
                        {
                            value = reader.ReadElementContentAsString();
                        }
                        else if (ReferenceEquals(child, inlineName))
                        {
                            inline = ReadStringItem(reader);
                        }
                        else
                        {
                            formula |= ReferenceEquals(child, formulaName);
                            reader.Skip();
                        }

                        continue;
                    }

                    reader.Read();
                }

                if (ToCell(column, type, dateStyle, formula, value, inline, sharedStrings) is SheetCell cell && !onCell(row, cell))
                {
                    return;
                }
            }
            else if (ReferenceEquals(name, rowName))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? number = reader.GetAttribute("r");
                row = number is null ? row + 1 : int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture);
                column = 0;
            }
        }
    }

    private static SheetCell? ToCell(int column, string? type, bool dateStyle, bool formula, string? value, string? inline, string[] sharedStrings)
    {
        if (formula && value is null)
        {
            return SheetCell.FormulaWithoutValue(column);
        }

        if (CellShape.Damage(type is null ? default : Encoding.UTF8.GetBytes(type), value is not null, inline is not null) is string damage)
        {
            return SheetCell.Damaged(column, damage);
        }

        switch (type)
        {
            case "s":
                if (string.IsNullOrEmpty(value))
                {
                    return null;
                }

                int index = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                if ((uint)index >= (uint)sharedStrings.Length)
                {
                    throw new InvalidDataException($"Shared string {index} does not exist (the table has {sharedStrings.Length}).");
                }

                return SheetCell.FromText(column, sharedStrings[index]);
            case "inlineStr":
                return inline is null ? null : SheetCell.FromText(column, inline);
            case "str":
                return value is null ? null : SheetCell.FromText(column, value);
            case "e":
                return value is null ? null : SheetCell.FromError(column, value);
            case "b":
                return value is null ? null
                    : CellShape.BooleanDamage(value) is string notBoolean ? SheetCell.Damaged(column, notBoolean)
                    : SheetCell.FromText(column, value.Trim() == "1" ? "TRUE" : "FALSE");
            case "d":
                return value is null ? null : SheetCell.FromDate(column, DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            default:
                if (string.IsNullOrEmpty(value))
                {
                    return null;
                }

                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                    ? SheetCell.FromNumber(column, number, dateStyle)
                    : SheetCell.FromText(column, value);
        }
    }

    /// <summary>The text of an &lt;si&gt; or &lt;is&gt; item: plain &lt;t&gt; or rich-text runs, without phonetic runs. Leaves the reader after the item.</summary>
    private static string ReadStringItem(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }

        int depth = reader.Depth;
        string? single = null;
        StringBuilder? runs = null;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                if (reader.LocalName == "t")
                {
                    string text = reader.ReadElementContentAsString();
                    if (single is null && runs is null)
                    {
                        single = text;
                    }
                    else
                    {
                        runs ??= new StringBuilder(single);
                        runs.Append(text);
                    }

                    continue;
                }

                if (reader.LocalName == "rPh")
                {
                    reader.Skip();
                    continue;
                }
            }

            reader.Read();
        }

        reader.Read();
        return runs?.ToString() ?? single ?? "";
    }

    private string[] ReadSharedStrings(ZipArchive archive, string part) => Guard($"the shared strings part '{part}'", null, () =>
    {
        var strings = new List<string>();
        using XmlReader reader = OpenPart(archive, part, null, $"the shared strings part '{part}'");
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si")
            {
                strings.Add(ReadStringItem(reader));
                continue;
            }

            reader.Read();
        }

        return strings.ToArray();
    });

    private (IReadOnlyList<string> Names, string[] Entries) ReadSheetList(
        ZipArchive archive, string workbookPart, Dictionary<string, (string Type, string Target)> relationships)
    {
        var names = new List<string>();
        var entries = new List<string>();
        using XmlReader reader = OpenPart(archive, workbookPart, null);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "sheet")
            {
                continue;
            }

            string name = reader.GetAttribute("name") ?? "";
            string? relationshipId = null;
            while (reader.MoveToNextAttribute())
            {
                if (reader.LocalName == "id" && reader.NamespaceURI.Length > 0)
                {
                    relationshipId = reader.Value;
                }
            }

            // Chart sheets and dialog sheets have no cells; only worksheets are kept.
            if (relationshipId is not null
                && relationships.TryGetValue(relationshipId, out var relationship)
                && relationship.Type.EndsWith("/worksheet", StringComparison.Ordinal))
            {
                names.Add(name);
                entries.Add(ResolveTarget(workbookPart, relationship.Target));
            }
        }

        return (names, [.. entries]);
    }

    private string? FindWorkbookPart(ZipArchive archive)
    {
        if (FindEntry(archive, "_rels/.rels") is null)
        {
            return FindEntry(archive, "xl/workbook.xml") is null ? null : "xl/workbook.xml";
        }

        return ReadRelationships(archive, "_rels/.rels").Values
            .Where(r => r.Type.EndsWith("/officeDocument", StringComparison.Ordinal))
            .Select(r => ResolveTarget("", r.Target))
            .FirstOrDefault(part => FindEntry(archive, part) is not null);
    }

    private Dictionary<string, (string Type, string Target)> ReadRelationships(ZipArchive archive, string part)
    {
        var relationships = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (FindEntry(archive, part) is null)
        {
            return relationships;
        }

        using XmlReader reader = OpenPart(archive, part, null);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && reader.NamespaceURI == RelationshipsNamespace
                && reader.GetAttribute("TargetMode") != "External")
            {
                relationships[reader.GetAttribute("Id") ?? ""] = (reader.GetAttribute("Type") ?? "", reader.GetAttribute("Target") ?? "");
            }
        }

        return relationships;
    }

    private static string RelationshipsPartFor(string part)
    {
        int slash = part.LastIndexOf('/');
        return slash < 0 ? $"_rels/{part}.rels" : $"{part[..slash]}/_rels/{part[(slash + 1)..]}.rels";
    }

    /// <summary>A relationship target is relative to the folder of the part that owns it, unless it starts with '/'.</summary>
    private static string ResolveTarget(string sourcePart, string target)
    {
        if (target.StartsWith('/'))
        {
            return target.TrimStart('/');
        }

        int slash = sourcePart.LastIndexOf('/');
        var segments = new List<string>(slash < 0 ? [] : sourcePart[..slash].Split('/'));
        foreach (string segment in target.Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }

    private static ZipArchiveEntry? FindEntry(ZipArchive archive, string part) =>
        archive.GetEntry(part) ?? archive.Entries.FirstOrDefault(e => string.Equals(e.FullName, part, StringComparison.OrdinalIgnoreCase));

    /// <summary>An XML reader over a part, inflating through the caps; <paramref name="where"/> names the part in errors.</summary>
    private XmlReader OpenPart(ZipArchive archive, string part, string? sheet, string? where = null)
    {
        ZipArchiveEntry entry = FindEntry(archive, part)
            ?? throw new InvalidDataException($"The workbook refers to part '{part}', which is not in the file.");
        where ??= sheet is null ? $"part '{part}'" : $"sheet '{sheet}'";
        return XmlReader.Create(new InflatedPart(entry, _limits, _path, where, sheet), ReaderSettings);
    }
}
