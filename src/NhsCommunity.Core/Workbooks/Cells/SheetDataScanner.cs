using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Scans the &lt;sheetData&gt; of a worksheet part straight from its UTF-8 bytes. The real band sheets are
/// 200 styled columns wide with a tenth of the cells filled: about 40,000 &lt;c/&gt; elements each, nine sheets a
/// workbook. XmlReader spends some 400 ns on each (it decodes to UTF-16 and builds every attribute), which alone
/// blows the 125 ms a workbook budget; here an empty cell costs a vectorised search for the next '&lt;' and a
/// look at its name. It handles what SpreadsheetML sheet data can hold: prefixed names, either quote, comments,
/// entities, CDATA, shared/inline/formula strings, rich-text runs and phonetic runs. The XmlReader path and
/// ExcelDataReader check it cell for cell in the tests.
/// The per-tag methods are compiled fully optimised at once (AggressiveOptimization): an import is over in a
/// second, too soon for tiered compilation to replace their first, instrumented code, which ran them several
/// times slower (OSR patchpoints and PGO probes in every loop).
/// </summary>
internal sealed class SheetDataScanner
{
    private readonly byte[] _xml;
    private readonly int _length;
    private readonly string[] _sharedStrings;
    private readonly bool[] _dateStyles;
    private int _position;

    private SheetDataScanner(byte[] xml, int length, string[] sharedStrings, bool[] dateStyles)
    {
        _xml = xml;
        _length = length;
        _sharedStrings = sharedStrings;
        _dateStyles = dateStyles;
    }

    private ReadOnlySpan<byte> Xml => _xml.AsSpan(0, _length);

    /// <summary>
    /// Inflates the part into a pooled buffer and returns its rows; the buffer goes back to the pool. The part
    /// must be whole: a sheet that stops before &lt;/sheetData&gt; or its root's end tag is refused, not read short.
    /// </summary>
    public static List<SheetRow> ReadRows(Stream part, long expectedLength, string[] sharedStrings, bool[] dateStyles, CancellationToken cancellationToken)
    {
        int capacity = expectedLength is > 0 and < int.MaxValue / 2 ? (int)expectedLength + 1 : 1 << 20;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = part.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return new SheetDataScanner(buffer, length, sharedStrings, dateStyles).Scan(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<SheetRow> Scan(CancellationToken cancellationToken)
    {
        var rows = new List<SheetRow>(256);
        var cells = new List<SheetCell>(64);
        int row = 0;
        int column = 0;
        bool inSheetData = false;
        bool sheetDataClosed = false;
        bool rowOpen = false;
        string? root = null;

        while (NextTag(out Tag tag))
        {
            if (!inSheetData)
            {
                if (tag.Kind == TagKind.Start)
                {
                    root ??= Encoding.UTF8.GetString(tag.Local);
                    if (tag.Local.SequenceEqual("sheetData"u8))
                    {
                        if (tag.SelfClosing)
                        {
                            sheetDataClosed = true;
                            break;
                        }

                        inSheetData = true;
                    }
                }

                continue;
            }

            if (tag.Kind == TagKind.End)
            {
                if (tag.Local.SequenceEqual("sheetData"u8))
                {
                    if (rowOpen)
                    {
                        throw new InvalidDataException($"row {row} is not closed before </sheetData>");
                    }

                    sheetDataClosed = true;
                    break;
                }

                if (tag.Local.SequenceEqual("row"u8))
                {
                    rowOpen = false;
                }

                continue;
            }

            if (tag.Kind != TagKind.Start)
            {
                continue;
            }

            if (tag.Local.Length == 1 && tag.Local[0] == (byte)'c')
            {
                if (tag.SelfClosing)
                {
                    // A styled empty cell: no value. Only its position matters, should a later cell lack "r".
                    column++;
                    continue;
                }

                ReadOnlySpan<byte> reference = default, type = default, style = default;
                ReadAttributes(tag, ref reference, ref type, ref style);
                column = reference.IsEmpty ? column + 1 : ParseColumn(reference);
                if (ReadCellContent(row, column, type, IsDateStyle(style)) is SheetCell cell)
                {
                    cells.Add(cell);
                }
            }
            else if (tag.Local.SequenceEqual("row"u8))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (cells.Count > 0)
                {
                    rows.Add(new SheetRow(row, [.. cells]));
                    cells.Clear();
                }

                if (rowOpen)
                {
                    throw new InvalidDataException($"row {row} is not closed before the next row starts");
                }

                ReadOnlySpan<byte> reference = default, unused = default, unusedStyle = default;
                ReadAttributes(tag, ref reference, ref unused, ref unusedStyle);
                row = reference.IsEmpty ? row + 1 : ParseInt(reference);
                column = 0;
                rowOpen = !tag.SelfClosing;
            }
        }

        if (!sheetDataClosed)
        {
            throw new InvalidDataException(inSheetData
                ? $"the sheet's XML stops after row {row}, before </sheetData>"
                : "the sheet's XML has no <sheetData>");
        }

        // What follows the cells (merged ranges, page setup) is small; the root element must still close.
        if (!FindEnd(root!))
        {
            throw new InvalidDataException($"the sheet's XML stops before </{root}>");
        }

        if (cells.Count > 0)
        {
            rows.Add(new SheetRow(row, [.. cells]));
        }

        return rows;
    }

    private bool FindEnd(string root)
    {
        byte[] name = Encoding.UTF8.GetBytes(root);
        while (NextTag(out Tag tag))
        {
            if (tag.Kind == TagKind.End && tag.Local.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsDateStyle(ReadOnlySpan<byte> style) =>
        !style.IsEmpty && Utf8Parser.TryParse(style, out int index, out int consumed) && consumed == style.Length
            && (uint)index < (uint)_dateStyles.Length && _dateStyles[index];

    /// <summary>After the start tag of a &lt;c&gt;: reads &lt;v&gt; or &lt;is&gt;, notes and skips &lt;f&gt; and anything else, stops after &lt;/c&gt;.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SheetCell? ReadCellContent(int row, int column, ReadOnlySpan<byte> type, bool dateStyle)
    {
        int valueStart = -1, valueEnd = -1;
        string? complexValue = null;
        string? inline = null;
        bool formula = false;
        bool closed = false;
        while (NextTag(out Tag tag))
        {
            if (tag.Kind == TagKind.End)
            {
                if (tag.Local.Length == 1 && tag.Local[0] == (byte)'c')
                {
                    closed = true;
                    break;
                }

                continue;
            }

            if (tag.Kind != TagKind.Start)
            {
                continue;
            }

            if ((tag.Local.Length == 1 && tag.Local[0] == (byte)'c') || tag.Local.SequenceEqual("row"u8) || tag.Local.SequenceEqual("sheetData"u8))
            {
                throw new InvalidDataException($"cell {CellReference.ToA1(row, column)} is not closed");
            }

            if (tag.Local.Length == 1 && tag.Local[0] == (byte)'f')
            {
                formula = true;
            }

            if (tag.SelfClosing)
            {
                continue;
            }

            if (tag.Local.Length == 1 && tag.Local[0] == (byte)'v')
            {
                if (valueStart >= 0 || complexValue is not null)
                {
                    throw new InvalidDataException($"cell {CellReference.ToA1(row, column)} has two values");
                }

                if (TryReadSimpleText(out int start, out int end))
                {
                    (valueStart, valueEnd) = (start, end);
                }
                else
                {
                    complexValue = ReadText();
                }
            }
            else if (tag.Local.SequenceEqual("is"u8))
            {
                if (inline is not null)
                {
                    throw new InvalidDataException($"cell {CellReference.ToA1(row, column)} has two inline strings");
                }

                inline = ReadStringItem("is"u8);
            }
            else
            {
                SkipElement();
            }
        }

        if (!closed)
        {
            throw new InvalidDataException($"the sheet's XML stops inside cell {CellReference.ToA1(row, column)}");
        }

        ReadOnlySpan<byte> simple = valueStart >= 0 ? Xml[valueStart..valueEnd] : default;
        bool hasValue = valueStart >= 0 || complexValue is not null;
        if (formula && !hasValue)
        {
            return SheetCell.FormulaWithoutValue(column);
        }

        if (CellShape.Damage(type, hasValue, inline is not null) is string damage)
        {
            return SheetCell.Damaged(column, damage);
        }

        if (type.SequenceEqual("s"u8))
        {
            if (!hasValue)
            {
                return null;
            }

            int index = valueStart >= 0 ? ParseInt(simple.Trim((byte)' ')) : int.Parse(complexValue!.Trim(), CultureInfo.InvariantCulture);
            if ((uint)index >= (uint)_sharedStrings.Length)
            {
                throw new InvalidDataException($"Shared string {index} does not exist (the table has {_sharedStrings.Length}).");
            }

            return SheetCell.FromText(column, _sharedStrings[index]);
        }

        if (type.SequenceEqual("inlineStr"u8))
        {
            return inline is null ? null : SheetCell.FromText(column, inline);
        }

        if (!hasValue)
        {
            return null;
        }

        string text = complexValue ?? (type.IsEmpty || type.SequenceEqual("n"u8) ? "" : Decode(simple));
        if (type.SequenceEqual("str"u8))
        {
            return SheetCell.FromText(column, text);
        }

        if (type.SequenceEqual("e"u8))
        {
            return SheetCell.FromError(column, text);
        }

        if (type.SequenceEqual("b"u8))
        {
            return CellShape.BooleanDamage(text) is string notBoolean
                ? SheetCell.Damaged(column, notBoolean)
                : SheetCell.FromText(column, text.Trim() == "1" ? "TRUE" : "FALSE");
        }

        if (type.SequenceEqual("d"u8))
        {
            return SheetCell.FromDate(column, DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        }

        if (complexValue is null)
        {
            ReadOnlySpan<byte> digits = simple.Trim((byte)' ');
            if (digits.IsEmpty)
            {
                return null;
            }

            if (Utf8Parser.TryParse(digits, out long whole, out int consumed) && consumed == digits.Length)
            {
                return SheetCell.FromNumber(column, whole, dateStyle);
            }

            return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                ? SheetCell.FromNumber(column, number, dateStyle)
                : SheetCell.FromText(column, Decode(simple));
        }

        return string.IsNullOrWhiteSpace(complexValue) ? null
            : double.TryParse(complexValue, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)
                ? SheetCell.FromNumber(column, parsed, dateStyle)
                : SheetCell.FromText(column, complexValue);
    }

    /// <summary>The text of an &lt;is&gt; (inline string): &lt;t&gt; elements, directly or in runs, without phonetic runs.</summary>
    private string ReadStringItem(ReadOnlySpan<byte> element)
    {
        var text = new StringBuilder();
        while (NextTag(out Tag tag))
        {
            if (tag.Kind == TagKind.End && tag.Local.SequenceEqual(element))
            {
                break;
            }

            if (tag.Kind != TagKind.Start || tag.SelfClosing)
            {
                continue;
            }

            if (tag.Local.SequenceEqual("t"u8))
            {
                text.Append(ReadText());
            }
            else if (tag.Local.SequenceEqual("rPh"u8))
            {
                SkipElement();
            }
        }

        return text.ToString();
    }

    /// <summary>The common case: plain text straight up to the element's end tag. Leaves the position after the end tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadSimpleText(out int start, out int end)
    {
        start = _position;
        int lt = Xml[_position..].IndexOf((byte)'<');
        if (lt < 0 || start + lt + 1 >= _length || _xml[start + lt + 1] != (byte)'/' || Xml.Slice(start, lt).Contains((byte)'&'))
        {
            end = -1;
            return false;
        }

        end = start + lt;
        _position = end;
        NextTag(out _);
        return true;
    }

    /// <summary>Text content with entities and CDATA, up to and including the element's end tag.</summary>
    private string ReadText()
    {
        var text = new StringBuilder();
        while (_position < _length)
        {
            int lt = Xml[_position..].IndexOf((byte)'<');
            if (lt < 0)
            {
                throw new InvalidDataException("The sheet XML ends inside a value.");
            }

            text.Append(Decode(Xml.Slice(_position, lt)));
            _position += lt;
            if (Xml[_position..].StartsWith("<![CDATA["u8))
            {
                int close = Xml[(_position + 9)..].IndexOf("]]>"u8);
                if (close < 0)
                {
                    throw new InvalidDataException("Unterminated CDATA section in the sheet XML.");
                }

                text.Append(Encoding.UTF8.GetString(Xml.Slice(_position + 9, close)));
                _position += 9 + close + 3;
                continue;
            }

            if (Xml[_position..].StartsWith("<!--"u8))
            {
                NextTag(out _);
                continue;
            }

            NextTag(out _); // the end tag
            break;
        }

        return text.ToString();
    }

    /// <summary>Skips to the end of an element whose start tag was just read, however deeply it nests.</summary>
    private void SkipElement()
    {
        int depth = 1;
        while (depth > 0 && NextTag(out Tag tag))
        {
            if (tag.Kind == TagKind.Start && !tag.SelfClosing)
            {
                depth++;
            }
            else if (tag.Kind == TagKind.End)
            {
                depth--;
            }
        }
    }

    /// <summary>Moves past the next piece of markup and describes it. Text between tags is skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NextTag(out Tag tag)
    {
        ReadOnlySpan<byte> xml = Xml;
        while (true)
        {
            int lt = xml[_position..].IndexOf((byte)'<');
            if (lt < 0)
            {
                _position = _length;
                tag = default;
                return false;
            }

            int start = _position + lt + 1;
            if (start >= _length)
            {
                _position = _length;
                tag = default;
                return false;
            }

            byte first = xml[start];
            if (first == (byte)'!' || first == (byte)'?')
            {
                _position = SkipSpecial(start);
                continue;
            }

            bool end = first == (byte)'/';
            int nameStart = end ? start + 1 : start;
            int nameEnd = nameStart;
            while (nameEnd < _length && !IsNameEnd(xml[nameEnd]))
            {
                nameEnd++;
            }

            int close = FindTagEnd(nameEnd);
            bool selfClosing = !end && close > 0 && xml[close - 1] == (byte)'/';
            int colon = xml[nameStart..nameEnd].IndexOf((byte)':');
            int localStart = colon < 0 ? nameStart : nameStart + colon + 1;
            tag = new Tag(end ? TagKind.End : TagKind.Start, _xml.AsSpan(localStart, nameEnd - localStart), nameEnd, selfClosing ? close - 1 : close, selfClosing);
            _position = close + 1;
            return true;
        }
    }

    private int SkipSpecial(int start)
    {
        ReadOnlySpan<byte> rest = Xml[start..];
        ReadOnlySpan<byte> terminator = rest.StartsWith("!--"u8) ? "-->"u8 : rest.StartsWith("![CDATA["u8) ? "]]>"u8 : rest.StartsWith("?"u8) ? "?>"u8 : ">"u8;
        int found = rest.IndexOf(terminator);
        return found < 0 ? _length : start + found + terminator.Length;
    }

    /// <summary>The index of the '&gt;' closing a tag, stepping over quoted attribute values (which may hold '&gt;').</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindTagEnd(int from)
    {
        ReadOnlySpan<byte> xml = Xml;
        for (int i = from; i < _length; i++)
        {
            byte b = xml[i];
            if (b == (byte)'>')
            {
                return i;
            }

            if (b is (byte)'"' or (byte)'\'')
            {
                int closing = xml[(i + 1)..].IndexOf(b);
                if (closing < 0)
                {
                    break;
                }

                i += closing + 1;
            }
        }

        throw new InvalidDataException("The sheet XML ends inside a tag.");
    }

    /// <summary>
    /// Finds the r (reference), t (type) and s (style) attributes of a tag, by local name. The syntax must be
    /// exact (name, '=', a quoted value, then a space or the tag's end): a damaged tag such as &lt;c r="183"5"&gt;
    /// is refused rather than read as some other cell.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadAttributes(Tag tag, ref ReadOnlySpan<byte> reference, ref ReadOnlySpan<byte> type, ref ReadOnlySpan<byte> style)
    {
        ReadOnlySpan<byte> xml = Xml;
        int end = tag.AttributesEnd;
        int i = tag.AttributesStart;
        while (true)
        {
            while (i < end && IsSpace(xml[i]))
            {
                i++;
            }

            if (i >= end)
            {
                return;
            }

            int nameStart = i;
            while (i < end && xml[i] != (byte)'=' && !IsSpace(xml[i]) && xml[i] is not ((byte)'"' or (byte)'\''))
            {
                i++;
            }

            ReadOnlySpan<byte> name = xml[nameStart..i];
            while (i < end && IsSpace(xml[i]))
            {
                i++;
            }

            if (name.IsEmpty || i >= end || xml[i] != (byte)'=')
            {
                throw MalformedTag(tag);
            }

            i++;
            while (i < end && IsSpace(xml[i]))
            {
                i++;
            }

            if (i >= end || xml[i] is not ((byte)'"' or (byte)'\''))
            {
                throw MalformedTag(tag);
            }

            int valueStart = i + 1;
            int valueLength = xml[valueStart..end].IndexOf(xml[i]);
            if (valueLength < 0)
            {
                throw MalformedTag(tag);
            }

            i = valueStart + valueLength + 1;
            if (i < end && !IsSpace(xml[i]))
            {
                throw MalformedTag(tag);
            }

            if (name.Length == 1)
            {
                if (name[0] == (byte)'r')
                {
                    reference = xml.Slice(valueStart, valueLength);
                }
                else if (name[0] == (byte)'t')
                {
                    type = xml.Slice(valueStart, valueLength);
                }
                else if (name[0] == (byte)'s')
                {
                    style = xml.Slice(valueStart, valueLength);
                }
            }
        }
    }

    private InvalidDataException MalformedTag(Tag tag)
    {
        int start = tag.AttributesStart - tag.Local.Length;
        string text = Encoding.UTF8.GetString(Xml[Math.Max(0, start - 1)..Math.Min(tag.AttributesEnd + 1, Math.Min(_length, start + 80))]);
        return new InvalidDataException($"the tag '{text}' has malformed attributes");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ParseColumn(ReadOnlySpan<byte> reference)
    {
        int column = 0;
        foreach (byte b in reference)
        {
            int letter = (b | 0x20) - 'a';
            if ((uint)letter > 25)
            {
                break;
            }

            column = (column * 26) + letter + 1;
        }

        return column;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ParseInt(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out int value, out int consumed) && consumed == digits.Length
            ? value
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(digits)}' is not a row number or string index.");

    /// <summary>UTF-8 to string, replacing the five XML entities and character references.</summary>
    private static string Decode(ReadOnlySpan<byte> raw)
    {
        string text = Encoding.UTF8.GetString(raw);
        return text.Contains('&', StringComparison.Ordinal) ? System.Net.WebUtility.HtmlDecode(text) : text;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNameEnd(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/' or (byte)'>';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private enum TagKind : byte
    {
        Start,
        End,
    }

    private readonly ref struct Tag(TagKind kind, ReadOnlySpan<byte> local, int attributesStart, int attributesEnd, bool selfClosing)
    {
        public TagKind Kind { get; } = kind;

        public ReadOnlySpan<byte> Local { get; } = local;

        public int AttributesStart { get; } = attributesStart;

        public int AttributesEnd { get; } = attributesEnd;

        public bool SelfClosing { get; } = selfClosing;
    }
}
