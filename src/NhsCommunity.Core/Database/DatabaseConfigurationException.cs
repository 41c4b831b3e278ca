namespace NhsCommunity.Database;

/// <summary>No usable database settings; the message says what to set, and never contains any part of the connection string.</summary>
public sealed class DatabaseConfigurationException : Exception
{
    public DatabaseConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// A connection string that could not be parsed. <paramref name="knownKey"/> is the driver's own name
    /// of the key at fault, or null: it must never be text taken from the string itself.
    /// </summary>
    internal static DatabaseConfigurationException Malformed(string? knownKey) => new(
        (knownKey is null
            ? "The connection string is not a list of 'Key=Value;' pairs with keys the driver knows."
            : $"The connection string's value for '{knownKey}' is not valid.")
        + " Put values that contain ';', '=' or quotes in double quotes (Password=\"a;b\"), or better, give the password with -Credential, PGPASSWORD or ~/.pgpass."
        + " (The string is not repeated here, as it may hold the password.)");
}
