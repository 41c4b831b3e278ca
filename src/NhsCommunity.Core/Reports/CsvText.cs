using System.Text;

namespace NhsCommunity.Reports;

/// <summary>RFC 4180 CSV: CRLF line ends; a field with a comma, quote, CR or LF is quoted, its quotes doubled.</summary>
public static class CsvText
{
    public const string LineEnd = "\r\n";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    public static void AppendRecord(StringBuilder csv, IEnumerable<string?> fields) =>
        csv.AppendJoin(',', fields.Select(Field)).Append(LineEnd);
}
