namespace NhsCommunity.Shell;

/// <summary>What the shell was asked to do, read from its command line the way pwsh reads its own.</summary>
internal sealed record ShellOptions
{
    /// <summary>The script text of -Command; "-" means read it from standard input.</summary>
    public string? Command { get; init; }

    /// <summary>The script of -File, with the arguments that follow it (bound to the script's param()).</summary>
    public string? File { get; init; }

    public IReadOnlyList<string> FileArguments { get; init; } = [];

    public bool NoLogo { get; init; }

    public bool NonInteractive { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>The manifest (or its folder) to import instead of the one found beside the shell.</summary>
    public string? ModulePath { get; init; }

    /// <summary>Hidden: print the completions the engine offers for this input, one a line, and exit.</summary>
    public string? CompleteInput { get; init; }

    public bool ReadsCommandFromStandardInput => Command == "-";

    /// <summary>Parses the arguments; throws <see cref="ShellUsageException"/> on a mistake.</summary>
    public static ShellOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ShellOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!IsOption(arg))
            {
                // Like pwsh, a bare first argument is the script to run; the rest are its arguments.
                return options with { File = arg, FileArguments = args.Skip(i + 1).ToArray() };
            }

            switch (OptionName(arg))
            {
                case "command" or "c":
                    // Everything after -Command is the command text, as pwsh joins it.
                    if (i + 1 >= args.Count)
                    {
                        throw new ShellUsageException("-Command needs the command text (or '-' to read it from standard input).");
                    }

                    return options with { Command = string.Join(' ', args.Skip(i + 1)) };
                case "file" or "f":
                    if (i + 1 >= args.Count)
                    {
                        throw new ShellUsageException("-File needs the path of a script.");
                    }

                    return options with { File = args[i + 1], FileArguments = args.Skip(i + 2).ToArray() };
                case "nologo" or "nol":
                    options = options with { NoLogo = true };
                    break;
                case "noninteractive" or "noni":
                    options = options with { NonInteractive = true };
                    break;
                case "noprofile" or "nop":
                    // Accepted for pwsh compatibility: this shell never runs a profile.
                    break;
                case "help" or "h" or "?":
                    options = options with { ShowHelp = true };
                    break;
                case "modulepath" or "module":
                    options = options with { ModulePath = RequireValue(args, ++i, arg) };
                    break;
                case "complete":
                    options = options with { CompleteInput = RequireValue(args, ++i, arg) };
                    break;
                default:
                    throw new ShellUsageException($"Unknown option '{arg}'. Run nhscommunity -Help for the options.");
            }
        }

        return options;
    }

    public const string Usage = """
        nhscommunity: a PowerShell host on the PowerShell 7.6 engine with the NhsCommunity module imported.
        It runs the engine's core cmdlets (Where-Object, ForEach-Object, Get-Help, Get-Command, Import-Module...)
        and the module's cmdlets; it is not pwsh and has no Utility or Management module
        (no Select-Object, Get-ChildItem, ConvertTo-Json...): use .NET types for those.

        Usage:
          nhscommunity [-NoLogo] [-NonInteractive] [-NoProfile] [-ModulePath <path>]
                       [-Command <text> | -Command - | -File <script.ps1> [script arguments]]

          -Command, -c <text>   Run the text as PowerShell and exit. '-' reads the commands from standard input.
                                Exit code: the number given to 'exit', else 0 if the last command succeeded, else 1.
          -File, -f <path>      Run a script; the following arguments bind to its param() block
                                (-Name value, -Switch, -Name:value, or by position).
                                Exit code: the number given to 'exit', 1 after a terminating error, else 0.
          -NoLogo               Do not print the banner at the interactive prompt.
          -NonInteractive       Never prompt: a command that would prompt fails instead.
          -NoProfile            Accepted for compatibility with pwsh; no profile is ever run.
          -ModulePath <path>    Import this NhsCommunity.psd1 (or the folder holding it) instead of the one
                                found above the shell; the NHSCOMMUNITY_MODULE environment variable does the same.
          -Help, -?             Show this text.

        With no -Command or -File the shell starts an interactive prompt: line editing, history (Up/Down),
        Tab completion (repeat to cycle, Shift+Tab to go back), Ctrl+C stops the running command.

        """;

    private static bool IsOption(string arg) => arg.Length > 1 && arg[0] == '-';

    private static string OptionName(string arg) => arg.TrimStart('-').ToLowerInvariant();

    private static string RequireValue(IReadOnlyList<string> args, int index, string option) =>
        index < args.Count ? args[index] : throw new ShellUsageException($"{option} needs a value.");
}
