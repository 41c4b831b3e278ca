using System.Globalization;
using System.Text.RegularExpressions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>A &lt;row&gt; element: where it sits in the sheet's XML and its number.</summary>
internal readonly record struct RowSpan(int Number, int Start, int Length);

/// <summary>A &lt;c&gt; element: where it sits in the sheet's XML, its reference, type, style and value.</summary>
internal readonly record struct CellSpan(int Start, int Length, string Reference, string? Type, string? Style, string? Value);

/// <summary>
/// Finds rows and cells in SpreadsheetML text without a parser of the reader's own, so mutations can cut,
/// copy and rewrite exactly one element and leave every other byte as it was.
/// </summary>
internal static partial class SheetXml
{
    public static IReadOnlyList<RowSpan> Rows(string sheet)
    {
        var rows = new List<RowSpan>();
        foreach (Match match in RowElement().Matches(sheet))
        {
            string? number = Attribute(match.Value, "r");
            rows.Add(new RowSpan(number is null ? rows.Count + 1 : int.Parse(number, CultureInfo.InvariantCulture), match.Index, match.Length));
        }

        return rows;
    }

    public static IReadOnlyList<CellSpan> Cells(string sheet, RowSpan row)
    {
        var cells = new List<CellSpan>();
        foreach (Match match in CellElement().Matches(sheet.Substring(row.Start, row.Length)))
        {
            Match value = ValueElement().Match(match.Value);
            cells.Add(new CellSpan(
                row.Start + match.Index,
                match.Length,
                Attribute(match.Value, "r") ?? "",
                Attribute(match.Value, "t"),
                Attribute(match.Value, "s"),
                value.Success ? value.Groups[1].Value : null));
        }

        return cells;
    }

    /// <summary>An attribute of an element's start tag, or null.</summary>
    public static string? Attribute(string element, string name)
    {
        string start = element[..(element.IndexOf('>', StringComparison.Ordinal) + 1)];
        Match match = Regex.Match(start, $@"\s{Regex.Escape(name)}=""([^""]*)""");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The element with an attribute set (added where absent) or, for a null value, removed.</summary>
    public static string WithAttribute(string element, string name, string? value)
    {
        int end = element.IndexOf('>', StringComparison.Ordinal);
        int tagEnd = element[end - 1] == '/' ? end - 1 : end;
        string start = Regex.Replace(element[..tagEnd], $@"\s{Regex.Escape(name)}=""[^""]*""", "");
        string attribute = value is null ? "" : $" {name}=\"{value}\"";
        return start + attribute + element[tagEnd..];
    }

    public static string Replace(string text, int start, int length, string replacement) =>
        string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(start + length));

    /// <summary>A cell element with no value, keeping its reference and style: what Excel writes for a cleared cell.</summary>
    public static string EmptyCell(CellSpan cell) =>
        cell.Style is null ? $"<c r=\"{cell.Reference}\"/>" : $"<c r=\"{cell.Reference}\" s=\"{cell.Style}\"/>";

    /// <summary>The column letters of an A1 reference.</summary>
    public static string ColumnOf(string reference) => new([.. reference.TakeWhile(char.IsAsciiLetter)]);

    public static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    [GeneratedRegex(@"<row\b[^>]*?(?:/>|>.*?</row>)", RegexOptions.Singleline)]
    private static partial Regex RowElement();

    [GeneratedRegex(@"<c\b[^>]*?(?:/>|>.*?</c>)", RegexOptions.Singleline)]
    private static partial Regex CellElement();

    [GeneratedRegex(@"<v>([^<]*)</v>")]
    private static partial Regex ValueElement();
}
