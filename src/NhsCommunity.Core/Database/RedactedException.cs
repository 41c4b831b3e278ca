namespace NhsCommunity.Database;

/// <summary>Stands in for an exception whose message held a secret: the same message with the secret masked, and the original type's name.</summary>
public sealed class RedactedException : Exception
{
    public RedactedException(string message, string originalType, Exception? innerException)
        : base(message, innerException)
    {
        OriginalType = originalType;
    }

    /// <summary>The type of the exception this replaces, e.g. "PostgresException".</summary>
    public string OriginalType { get; }
}
