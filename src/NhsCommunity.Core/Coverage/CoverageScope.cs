using System.Text.RegularExpressions;

namespace NhsCommunity.Coverage;

/// <summary>Which rows a report or query reads: the table's data type and column, a month range and trusts.</summary>
public sealed partial record CoverageScope
{
    public const string DefaultDataType = "monthly";

    public const string DefaultColumn = "community_data";

    public string DataType { get; init; } = DefaultDataType;

    /// <summary>The JSONB column holding the documents; an identifier, validated because it goes into the SQL text.</summary>
    public string Column
    {
        get;
        init => field = IsIdentifier(value)
            ? value
            : throw new ArgumentException($"'{value}' is not a column name: use letters, digits and underscores, starting with a letter or underscore.", nameof(Column));
    } = DefaultColumn;

    /// <summary>First month included (any day of it); null for no lower bound.</summary>
    public DateTime? From { get; init; }

    /// <summary>Last month included (any day of it); null for no upper bound.</summary>
    public DateTime? To { get; init; }

    /// <summary>Trust codes to include (upper-cased when compared); empty for all.</summary>
    public IReadOnlyList<string> TrustCodes { get; init; } = [];

    /// <summary>Read the rows as they stood at this moment (from community_data_history) instead of as they are now.</summary>
    public DateTimeOffset? AsOf { get; init; }

    public DateTime? FromMonth => From is { } f ? new DateTime(f.Year, f.Month, 1) : null;

    public DateTime? ToMonth => To is { } t ? new DateTime(t.Year, t.Month, 1) : null;

    public IReadOnlyList<string> NormalisedTrustCodes =>
        TrustCodes.Select(c => c.Trim().ToUpperInvariant()).Where(c => c.Length > 0).Distinct().ToArray();

    public static bool IsIdentifier(string name) => IdentifierPattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
