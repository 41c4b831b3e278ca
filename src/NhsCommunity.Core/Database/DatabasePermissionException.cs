namespace NhsCommunity.Database;

/// <summary>PostgreSQL refused the user a privilege the command needs (SQLSTATE 42501); nothing was changed.</summary>
public sealed class DatabasePermissionException : UnauthorizedAccessException
{
    public DatabasePermissionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
