using System.Diagnostics;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.MainJob;

/// <summary>
/// Runs the README's main job as the built program (src/NhsCommunity.Demo/bin/&lt;configuration&gt;/net10.0),
/// as `dotnet run` would after its build, with the developer's own database settings removed.
/// </summary>
internal static class DemoProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static string Executable
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string name = OperatingSystem.IsWindows() ? "NhsCommunity.Demo.exe" : "NhsCommunity.Demo";
            return Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity.Demo", "bin", configuration, "net10.0", name);
        }
    }

    public static DemoResult Run(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("NHSCOMMUNITY_CONNECTION");
        start.Environment.Remove("NHSCOMMUNITY_PG_BIN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("The demo did not start: " + Executable);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The demo did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return new DemoResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>What one run of the main job printed, and its exit code.</summary>
public sealed record DemoResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
