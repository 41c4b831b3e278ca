using System.Diagnostics;

namespace NhsCommunity.Tests.Infrastructure;

/// <summary>
/// Real pwsh as a separate process: the PowerShell tool the repository pins in .config/dotnet-tools.json,
/// started as `dotnet pwsh` from the repository root (where `dotnet tool restore` put it).
/// </summary>
public static class PwshProcess
{
    /// <summary>Generous: pwsh starts in about two seconds; only a hang gets near this.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<bool> Restored = new(() =>
    {
        try
        {
            return Run(["-Command", "$PSVersionTable.PSVersion.Major"], timeout: TimeSpan.FromMinutes(1)).Lines is ["7"];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static bool IsRestored => Prerequisite.Check(Restored.Value, NotRestoredReason);

    public const string NotRestoredReason = "pwsh is not restored: run `dotnet tool restore` in the repository (it installs the PowerShell tool pinned in .config/dotnet-tools.json)";

    /// <summary>
    /// Runs `dotnet pwsh -NoProfile -NonInteractive` with <paramref name="arguments"/> to completion. The
    /// developer's own NHSCOMMUNITY_CONNECTION and PG* settings are removed; <paramref name="environment"/> adds to it.
    /// </summary>
    public static ProcessResult Run(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // dotnet finds the local tool manifest from the working directory.
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (string argument in (string[])["pwsh", "-NoProfile", "-NonInteractive", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in start.Environment.Keys.Where(IsDeveloperSetting).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet pwsh did not start");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        TimeSpan limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pwsh did not exit within {limit}. Output so far:\n{Partial(stdout)}\n{Partial(stderr)}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static bool IsDeveloperSetting(string name) =>
        name is "NHSCOMMUNITY_CONNECTION" or "NHSCOMMUNITY_MODULE" || name.StartsWith("PG", StringComparison.Ordinal);

    private static string Partial(Task<string> stream) => stream.IsCompleted ? stream.Result : "(still open)";
}
