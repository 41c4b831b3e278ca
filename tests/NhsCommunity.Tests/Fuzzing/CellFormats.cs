using System.Globalization;
using System.Text.RegularExpressions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>Adds a cell format (an &lt;xf&gt; in cellXfs, and a custom &lt;numFmt&gt; where needed) to styles.xml.</summary>
internal static partial class CellFormats
{
    /// <summary>The styles with one more cell format; returns its index, the value of a cell's s attribute.</summary>
    public static (string Styles, int Index) Add(string styles, int numberFormatId, string? formatCode)
    {
        if (formatCode is not null)
        {
            string numberFormat = $"<numFmt numFmtId=\"{numberFormatId}\" formatCode=\"{SheetXml.Escape(formatCode)}\"/>";
            Match existing = NumberFormats().Match(styles);
            styles = existing.Success
                ? SheetXml.Replace(styles, existing.Index, existing.Length, WithCount(existing.Value, existing.Groups["body"].Value + numberFormat, "numFmts"))
                : styles.Insert(styles.IndexOf('>', styles.IndexOf("<styleSheet", StringComparison.Ordinal)) + 1, $"<numFmts count=\"1\">{numberFormat}</numFmts>");
        }

        Match cellFormats = CellFormatList().Match(styles);
        int index = XfElement().Count(cellFormats.Groups["body"].Value);
        string xf = $"<xf numFmtId=\"{numberFormatId}\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>";
        styles = SheetXml.Replace(styles, cellFormats.Index, cellFormats.Length, WithCount(cellFormats.Value, cellFormats.Groups["body"].Value + xf, "cellXfs"));
        return (styles, index);
    }

    /// <summary>A custom number format id no built-in or existing custom format uses.</summary>
    public static int FreeCustomId(string styles) =>
        Math.Max(164, NumberFormatId().Matches(styles).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max());

    private static string WithCount(string element, string body, string name)
    {
        int count = XfElement().Count(body) + NumFmtElement().Count(body);
        string start = SheetXml.WithAttribute(element[..(element.IndexOf('>', StringComparison.Ordinal) + 1)], "count", count.ToString(CultureInfo.InvariantCulture));
        return $"{start}{body}</{name}>";
    }

    [GeneratedRegex(@"<numFmts\b[^>]*>(?<body>.*?)</numFmts>", RegexOptions.Singleline)]
    private static partial Regex NumberFormats();

    [GeneratedRegex(@"<cellXfs\b[^>]*>(?<body>.*?)</cellXfs>", RegexOptions.Singleline)]
    private static partial Regex CellFormatList();

    [GeneratedRegex(@"<xf\b")]
    private static partial Regex XfElement();

    [GeneratedRegex(@"<numFmt\b")]
    private static partial Regex NumFmtElement();

    [GeneratedRegex(@"<numFmt\b[^>]*numFmtId=""(\d+)""")]
    private static partial Regex NumberFormatId();
}
