using System.Globalization;
using System.Xml;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Which cell styles (the s="n" of a cell, an index into styles.xml's cellXfs) show a number as a date or a
/// time. Excel stores a date as a plain number (45505 is 1 August 2024); only the number format says it is
/// one, so a count cell formatted as a date must not be read as a count.
/// </summary>
internal static class CellStyles
{
    /// <summary>For each cellXfs entry, whether its number format is a date or time.</summary>
    public static bool[] ReadDateStyles(XmlReader reader)
    {
        var customFormats = new Dictionary<int, string>();
        var styles = new List<bool>();
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "numFmt" && TryParse(reader.GetAttribute("numFmtId"), out int id))
            {
                customFormats[id] = reader.GetAttribute("formatCode") ?? "";
            }
            else if (reader.LocalName == "cellXfs" && !reader.IsEmptyElement)
            {
                int depth = reader.Depth;
                while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "xf" && reader.Depth == depth + 1)
                    {
                        int format = TryParse(reader.GetAttribute("numFmtId"), out int f) ? f : 0;
                        styles.Add(customFormats.TryGetValue(format, out string? code) ? IsDateFormat(code) : IsBuiltInDate(format));
                    }
                }
            }
        }

        return [.. styles];
    }

    public static bool IsDate(bool[] dateStyles, string? style) =>
        style is not null && TryParse(style, out int index) && (uint)index < (uint)dateStyles.Length && dateStyles[index];

    /// <summary>The built-in formats that show dates and times (ECMA-376 Part 1, 18.8.30, with the East Asian ones).</summary>
    public static bool IsBuiltInDate(int id) => id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);

    /// <summary>A custom format is a date or time if d, m, y, h or s appear outside quoted text, brackets and escapes.</summary>
    public static bool IsDateFormat(string code)
    {
        for (int i = 0; i < code.Length; i++)
        {
            char c = code[i];
            switch (c)
            {
                case '"':
                    int close = code.IndexOf('"', i + 1);
                    i = close < 0 ? code.Length : close;
                    break;
                case '[':
                    int end = code.IndexOf(']', i + 1);
                    i = end < 0 ? code.Length : end;
                    break;
                case '\\' or '_' or '*':
                    i++; // the next character is literal, padding or fill
                    break;
                default:
                    if (char.ToLowerInvariant(c) is 'd' or 'm' or 'y' or 'h' or 's')
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    private static bool TryParse(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
