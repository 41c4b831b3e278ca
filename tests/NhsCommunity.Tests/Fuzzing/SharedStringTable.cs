using System.Globalization;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>Adds a string to sharedStrings.xml, as Excel does when a cell gets new text.</summary>
internal static class SharedStringTable
{
    /// <summary>The table with <paramref name="text"/> appended; returns its index.</summary>
    public static (string Table, int Index) Add(FuzzSubject subject, string text)
    {
        string table = subject.Package.Text(subject.SharedStringsPart);
        int index = subject.SharedStrings.Count;
        table = table.Insert(table.LastIndexOf("</sst>", StringComparison.Ordinal), $"<si><t>{SheetXml.Escape(text)}</t></si>");
        int tagStart = table.IndexOf("<sst", StringComparison.Ordinal);
        int tagEnd = table.IndexOf('>', tagStart) + 1;
        string tag = table[tagStart..tagEnd];
        string unique = (index + 1).ToString(CultureInfo.InvariantCulture);
        string total = SheetXml.Attribute(tag, "count") is string count ? (int.Parse(count, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture) : unique;
        tag = SheetXml.WithAttribute(SheetXml.WithAttribute(tag, "uniqueCount", unique), "count", total);
        return (table[..tagStart] + tag + table[tagEnd..], index);
    }
}
