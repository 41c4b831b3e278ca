namespace NhsCommunity.Tests.Infrastructure;

/// <summary>What a program run as a separate process left: its exit code, stdout and stderr.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>Non-empty lines of stdout, trimmed at the end.</summary>
    public IReadOnlyList<string> Lines =>
        Output.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
