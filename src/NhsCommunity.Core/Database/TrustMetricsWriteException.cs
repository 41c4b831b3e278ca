namespace NhsCommunity.Database;

/// <summary>A month could not be written (after retries where the failure was transient); nothing of it was written.</summary>
public sealed class TrustMetricsWriteException : Exception
{
    public TrustMetricsWriteException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
