namespace NhsCommunity.Database;

/// <summary>Another backfill holds the lock on this database for longer than we were willing to wait.</summary>
public sealed class BackfillLockedException : Exception
{
    public BackfillLockedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
