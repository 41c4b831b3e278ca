using System.Text;
using System.Text.RegularExpressions;

namespace NhsCommunity.Reports;

/// <summary>
/// RFC 4180 CSV: CRLF line ends; a field with a comma, quote, CR or LF is quoted, its quotes doubled. A field
/// that a spreadsheet program would run as a formula (it starts, after any spaces, with = + - @, a tab or a CR,
/// or their full-width forms) gets a leading apostrophe, so it opens as text; a plain number ("-12", "+3.5")
/// is left as it is, so it still opens as a number.
/// </summary>
public static partial class CsvText
{
    public const string LineEnd = "\r\n";

    /// <summary>The characters that start a formula in Excel, LibreOffice and Google Sheets (with the full-width = + - @).</summary>
    public const string FormulaStarts = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        string text = StartsLikeFormula(value) ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }

    public static void AppendRecord(StringBuilder csv, IEnumerable<string?> fields) =>
        csv.AppendJoin(',', fields.Select(Field)).Append(LineEnd);

    /// <summary>True when a spreadsheet would read the text as a formula rather than text or a number.</summary>
    public static bool StartsLikeFormula(string value)
    {
        string start = value.TrimStart(' ');
        return start.Length > 0 && FormulaStarts.Contains(start[0], StringComparison.Ordinal) && !PlainNumber().IsMatch(value);
    }

    // Digits with an optional ASCII sign, decimal point and exponent: what a spreadsheet reads as a number, never a formula.
    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
