using System.Text.RegularExpressions;

namespace NhsCommunity.Database;

/// <summary>Column names given by users go into SQL text, so only plain identifiers are accepted, and always quoted.</summary>
public static partial class SqlIdentifier
{
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 63 } && Plain().IsMatch(name);

    /// <summary>The name in double quotes; throws <see cref="ArgumentException"/> for anything but a plain identifier.</summary>
    public static string Quote(string name) => IsValid(name)
        ? "\"" + name + "\""
        : throw new ArgumentException($"'{name}' is not a column name: use letters, digits and underscores, starting with a letter or underscore (at most 63).", nameof(name));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Plain();
}
