namespace NhsCommunity.Shell;

/// <summary>A mistake on the shell's own command line (not in the PowerShell it runs).</summary>
internal sealed class ShellUsageException : Exception
{
    public ShellUsageException(string message)
        : base(message)
    {
    }

    public ShellUsageException()
    {
    }

    public ShellUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
