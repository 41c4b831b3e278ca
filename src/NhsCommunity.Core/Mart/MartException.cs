namespace NhsCommunity.Mart;

/// <summary>PostgreSQL refused to install or remove the mart for another reason (say, a view of yours depends on its tables); nothing was changed.</summary>
public sealed class MartException : InvalidOperationException
{
    public MartException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
