using System.Diagnostics;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// Real pwsh in a process of its own, as users run it: nothing of the test process is loaded (no core, no
/// Npgsql on its probing path), and its environment holds no database setting but the ones given.
/// pwsh is the one on PATH, else the repository's local tool (`dotnet tool restore`, then `dotnet pwsh`).
/// </summary>
internal static class PwshProcess
{
    public const string NotInstalledReason = "pwsh is not installed: dotnet tool restore (the repository's tool manifest) or put pwsh on PATH";

    private static readonly Lazy<string[]?> Command = new(Find);

    public static bool IsAvailable => Command.Value is not null;

    /// <summary>Runs a script after Import-Module of the built module; returns exit code, output lines and the error text.</summary>
    public static PwshResult Run(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] command = Command.Value ?? throw new InvalidOperationException(NotInstalledReason);
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-NoProfile");
        start.ArgumentList.Add("-NonInteractive");
        start.ArgumentList.Add("-Command");
        start.ArgumentList.Add($"$ErrorActionPreference = 'Stop'; Import-Module '{RepositoryPaths.Manifest}'\n{script}");

        start.Environment.Remove(DatabaseConnection.EnvironmentVariable);
        foreach (string name in PgEnvironment.Variables)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("pwsh did not finish in 3 minutes:\n" + output);
        }

        return new PwshResult(process.ExitCode, output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), error.Result);
    }

    private static string[]? Find()
    {
        string name = OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh";
        string? onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return [onPath];
        }

        string manifest = Path.Combine(RepositoryPaths.Root, ".config", "dotnet-tools.json");
        if (File.Exists(manifest) && File.ReadAllText(manifest).Contains("\"powershell\"", StringComparison.OrdinalIgnoreCase))
        {
            return Probe(["dotnet", "pwsh"]) ? ["dotnet", "pwsh"] : null;
        }

        return null;
    }

    /// <summary>Whether the local tool answers (it is restored).</summary>
    private static bool Probe(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in command.Skip(1).Concat(["-NoProfile", "-Command", "exit 0"]))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        return process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0;
    }
}

internal sealed record PwshResult(int ExitCode, IReadOnlyList<string> Lines, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{string.Join('\n', Lines)}\n{Error}";
}
