using System.Text;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Whether a cell's content has the shape its type (t="...") promises. A shared-string cell without an index or
/// an inline-string cell without &lt;is&gt; is damage, not a blank: read as blank it would silently drop a count.
/// Both cell readers (the scanner and the XmlReader path) ask here, so they agree.
/// </summary>
internal static class CellShape
{
    /// <summary>Null when the shape fits the type; otherwise what is wrong, for the error message.</summary>
    public static string? Damage(ReadOnlySpan<byte> type, bool hasValue, bool hasInline)
    {
        if (type.SequenceEqual("inlineStr"u8))
        {
            return !hasInline ? "it is typed as an inline string (t=\"inlineStr\") but has no <is> text"
                : hasValue ? "it is typed as an inline string but also holds a <v> value"
                : null;
        }

        if (hasInline)
        {
            return $"it holds inline text (<is>) but is typed {Describe(type)}, not as an inline string";
        }

        if (type.IsEmpty || type.SequenceEqual("n"u8))
        {
            return null;
        }

        if (type.SequenceEqual("s"u8) || type.SequenceEqual("str"u8) || type.SequenceEqual("e"u8) || type.SequenceEqual("b"u8) || type.SequenceEqual("d"u8))
        {
            return hasValue ? null : $"it is typed {Describe(type)} but has no <v> value";
        }

        return $"its type {Describe(type)} is not a SpreadsheetML cell type";
    }

    /// <summary>A boolean cell holds 0 or 1; anything else is damage.</summary>
    public static string? BooleanDamage(string value) =>
        value.Trim() is "0" or "1" ? null : $"it is typed as a boolean (t=\"b\") but holds '{value}'";

    private static string Describe(ReadOnlySpan<byte> type) => $"t=\"{Encoding.UTF8.GetString(type)}\"";
}
