using System.Diagnostics;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Shell;

/// <summary>
/// Runs the built shell (src/NhsCommunity.Shell/bin/&lt;configuration&gt;/net10.0/nhscommunity) as a separate
/// process, as a user or a scheduler would, and captures its exit code, stdout and stderr.
/// </summary>
public sealed class ShellProcess : IDisposable
{
    /// <summary>Generous: the engine starts in about a second; only a hang gets near this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private ShellProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public StreamWriter Input => _process.StandardInput;

    /// <summary>The launcher the build writes (the apphost named nhscommunity), for this test run's configuration.</summary>
    public static string Executable
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string name = OperatingSystem.IsWindows() ? "nhscommunity.exe" : "nhscommunity";
            return Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity.Shell", "bin", configuration, "net10.0", name);
        }
    }

    /// <summary>Starts the shell with stdin, stdout and stderr redirected.</summary>
    public static ShellProcess Start(IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The tests must not depend on a developer's own settings.
        start.Environment.Remove("NHSCOMMUNITY_CONNECTION");
        start.Environment.Remove("NHSCOMMUNITY_MODULE");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return new ShellProcess(Process.Start(start) ?? throw new InvalidOperationException("The shell did not start: " + Executable));
    }

    /// <summary>Runs the shell to completion with the given arguments (and optional stdin text).</summary>
    public static ShellResult Run(IEnumerable<string> arguments, string? standardInput = null, string? workingDirectory = null)
    {
        using ShellProcess shell = Start(arguments, workingDirectory);
        if (standardInput is not null)
        {
            shell.Input.Write(standardInput);
        }

        shell.Input.Close();
        return shell.WaitForExit();
    }

    /// <summary>Waits for the shell to end; kills it and fails if it outlives <see cref="Timeout"/>.</summary>
    public ShellResult WaitForExit()
    {
        if (!_process.WaitForExit(Timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The shell did not exit within {Timeout}. Output so far:\n{Partial(_stdout)}\n{Partial(_stderr)}");
        }

        _process.WaitForExit();
        return new ShellResult(_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string Partial(Task<string> stream) => stream.IsCompleted ? stream.Result : "(still open)";
}

public sealed record ShellResult(int ExitCode, string Output, string Error)
{
    /// <summary>Non-empty lines of stdout, trimmed at the end.</summary>
    public IReadOnlyList<string> Lines =>
        Output.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
