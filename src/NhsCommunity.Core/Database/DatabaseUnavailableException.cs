namespace NhsCommunity.Database;

/// <summary>The database could not be reached or refused us; the message names the database as user@host:port/db only.</summary>
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
