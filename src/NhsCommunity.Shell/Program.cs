namespace NhsCommunity.Shell;

/// <summary>nhscommunity: a PowerShell host on the 7.6 engine with the NhsCommunity module imported.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        ShellOptions options;
        try
        {
            options = ShellOptions.Parse(args);
        }
        catch (ShellUsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return ShellRunner.UsageExitCode;
        }

        if (options.ShowHelp)
        {
            Console.Out.Write(ShellOptions.Usage);
            return 0;
        }

        using ShellSession session = ShellSession.Open(options);
        var runner = new ShellRunner(session);
        return options switch
        {
            { CompleteInput: { } input } => runner.Complete(input),
            { File: { } file } => runner.RunFile(file, options.FileArguments),
            { ReadsCommandFromStandardInput: true } => runner.RunStandardInput(),
            { Command: { } command } => runner.RunCommand(command),
            _ when Console.IsInputRedirected || options.NonInteractive => runner.RunStandardInput(),
            _ => new InteractiveLoop(session).Run(showLogo: !options.NoLogo),
        };
    }
}
