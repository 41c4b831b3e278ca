namespace NhsCommunity.Database;

/// <summary>No usable database settings; the message says what to set, and never contains a secret.</summary>
public sealed class DatabaseConfigurationException : Exception
{
    public DatabaseConfigurationException(string message)
        : base(message)
    {
    }
}
