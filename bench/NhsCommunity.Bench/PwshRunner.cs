using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NhsCommunity.Bench;

/// <summary>
/// Runs Scripts/Measure-Once.ps1 in a fresh pwsh, the one the repository pins in .config/dotnet-tools.json:
/// its pwsh.dll run with `dotnet exec` (the same process `dotnet pwsh` ends up in, without the tool
/// launcher's own start-up), or `dotnet pwsh` where the tool's folder cannot be found. Measures the wall time
/// from outside, the child's CPU time (user + sys, from the kernel's accounting of reaped children) and reads
/// what the script reports: Import-Module and call times, peak working set (max RSS), methods JIT-compiled.
/// </summary>
internal sealed class PwshRunner
{
    private const int ReapedChildren = -1;

    private readonly string? _pwshDll;

    public PwshRunner(IReadOnlyDictionary<string, string> environment)
    {
        Environment = environment;
        _pwshDll = FindPwshDll();
        Script = Path.Combine(AppContext.BaseDirectory, "Scripts", "Measure-Once.ps1");
    }

    /// <summary>Extra variables for every child, such as DOTNET_TieredPGO=0 or DOTNET_ReadyToRun=0 when profiling.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public string Script { get; }

    public string Launcher => _pwshDll is null ? "dotnet pwsh" : $"dotnet exec {_pwshDll}";

    public PwshResult Run(string mode, string? manifest, string? listFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = BenchPaths.RepositoryRoot,
        };
        string[] launcher = _pwshDll is null ? ["pwsh"] : ["exec", _pwshDll];
        foreach (string argument in (string[])[.. launcher, "-NoProfile", "-NonInteractive", "-File", Script, "-Mode", mode])
        {
            start.ArgumentList.Add(argument);
        }

        if (manifest is not null)
        {
            start.ArgumentList.Add("-Manifest");
            start.ArgumentList.Add(manifest);
        }

        if (listFile is not null)
        {
            start.ArgumentList.Add("-ListFile");
            start.ArgumentList.Add(listFile);
        }

        foreach (var (name, value) in Environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        TimeSpan cpuBefore = ChildrenCpu();
        var stopwatch = Stopwatch.StartNew();
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("pwsh did not start");
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        double wall = stopwatch.Elapsed.TotalMilliseconds;
        TimeSpan cpu = ChildrenCpu() - cpuBefore;
        string json = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{')) ?? "";
        if (child.ExitCode != 0 || json.Length == 0)
        {
            throw new InvalidOperationException($"pwsh {mode} failed ({child.ExitCode}): {output} {error.Result}");
        }

        using JsonDocument report = JsonDocument.Parse(json);
        JsonElement r = report.RootElement;
        return new PwshResult(
            wall,
            r.GetProperty("loadMs").GetDouble(),
            r.GetProperty("callMs").GetDouble(),
            r.GetProperty("callCpuMs").GetDouble(),
            r.GetProperty("count").GetInt64(),
            cpu > TimeSpan.Zero ? cpu.TotalMilliseconds : r.GetProperty("cpuMs").GetDouble(),
            r.GetProperty("peakBytes").GetInt64(),
            r.GetProperty("jitMethods").GetInt64(),
            r.GetProperty("jitMs").GetDouble());
    }

    /// <summary>User + system time of every child this process has reaped so far (getrusage RUSAGE_CHILDREN); zero where not available.</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return TimeSpan.Zero;
        }

        return getrusage(ReapedChildren, out ResourceUsage usage) == 0
            ? TimeSpan.FromMicroseconds((usage.UserSeconds * 1e6) + usage.UserMicroseconds + (usage.SystemSeconds * 1e6) + usage.SystemMicroseconds)
            : TimeSpan.Zero;
    }

    /// <summary>pwsh.dll of the PowerShell tool version pinned in .config/dotnet-tools.json, in the NuGet package folder.</summary>
    private static string? FindPwshDll()
    {
        string manifest = Path.Combine(BenchPaths.RepositoryRoot, ".config", "dotnet-tools.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using JsonDocument tools = JsonDocument.Parse(File.ReadAllText(manifest));
        if (!tools.RootElement.GetProperty("tools").TryGetProperty("powershell", out JsonElement powershell))
        {
            return null;
        }

        string version = powershell.GetProperty("version").GetString()!;
        string packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tool = Path.Combine(packages, "powershell", version.ToLowerInvariant(), "tools");
        if (!Directory.Exists(tool))
        {
            return null;
        }

        string platform = OperatingSystem.IsWindows() ? "win" : "unix";
        return Directory.EnumerateFiles(tool, "pwsh.dll", SearchOption.AllDirectories)
            .FirstOrDefault(p => Path.GetFileName(Path.GetDirectoryName(p)) == platform);
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // A plain P/Invoke: the bench does not allow unsafe code for the generated marshalling.
    private static extern int getrusage(int who, out ResourceUsage usage);
#pragma warning restore SYSLIB1054

    /// <summary>struct rusage on 64-bit Linux: two timevals, then fourteen longs (only the times are read).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
    }
}

/// <summary>One pwsh run: wall (ms, from outside), Import-Module and call (ms, from inside), the call's CPU, objects counted, the process's CPU (ms), peak RSS, JIT during the call.</summary>
internal readonly record struct PwshResult(double WallMs, double LoadMs, double CallMs, double CallCpuMs, long Count, double CpuMs, long PeakBytes, long JitMethods, double JitMs)
{
    public double PeakMegabytes => PeakBytes / 1048576.0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"wall {WallMs:F0} ms, load {LoadMs:F0}, call {CallMs:F0} (cpu {CallCpuMs:F0}), process cpu {CpuMs:F0}, peak {PeakMegabytes:F0} MB, jit {JitMethods} methods {JitMs:F0} ms");
}
