namespace NhsCommunity.Demo;

/// <summary>The command line or the machine cannot run the demo: exit code 2, with a message saying what to do.</summary>
internal sealed class DemoUsageException : Exception
{
    public DemoUsageException()
    {
    }

    public DemoUsageException(string message)
        : base(message)
    {
    }

    public DemoUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
