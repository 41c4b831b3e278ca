using System.Globalization;

namespace NhsCommunity.Bench;

/// <summary>
/// The pwsh half of the import and backfill benchmarks: each measured call in a fresh pwsh, the modules
/// compared taking turns within every round (so a busy spell of the machine falls on all of them), the floor
/// measured in the same run, and a summary of each target as pass or fail. Prints Markdown.
/// </summary>
internal sealed class PwshComparison
{
    private readonly PwshSettings _settings;
    private readonly PwshRunner _runner;
    private readonly List<string> _summary = [];

    public PwshComparison(PwshSettings settings)
    {
        _settings = settings;
        _runner = new PwshRunner(settings.Environment);
    }

    public IReadOnlyList<(string Name, string Manifest)> Modules => _settings.Modules;

    public void PrintSetup()
    {
        Console.WriteLine($"pwsh: `{_runner.Launcher} -NoProfile -NonInteractive -File {Path.GetFileName(_runner.Script)}`, a fresh process per run.");
        foreach ((string name, string manifest) in Modules)
        {
            Console.WriteLine($"- module **{name}**: {manifest}");
        }

        foreach (var (variable, value) in _settings.Environment)
        {
            Console.WriteLine($"- environment: {variable}={value}");
        }

        Console.WriteLine($"- load average at start: {BenchStats.LoadAverage()}");
        Console.WriteLine();
    }

    /// <summary>Runs <paramref name="mode"/> <paramref name="runs"/> times for every module, taking turns; <paramref name="beforeEach"/> runs (untimed) before each.</summary>
    public Dictionary<string, List<PwshResult>> Alternate(string mode, string listFile, int runs, Action? beforeEach = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var results = Modules.ToDictionary(m => m.Name, _ => new List<PwshResult>());
        for (int run = 0; run < runs; run++)
        {
            foreach ((string name, string manifest) in Modules)
            {
                beforeEach?.Invoke();
                PwshResult result = _runner.Run(mode, manifest, listFile, environment);
                results[name].Add(result);
                if (System.Environment.GetEnvironmentVariable("NHSCOMMUNITY_BENCH_TRACE") is not null)
                {
                    Console.Error.WriteLine($"{mode} {name} #{run + 1}: {result}");
                }
            }
        }

        return results;
    }

    /// <summary>The call's table: medians per module with the ratio to the floor; adds the target's line to the summary.</summary>
    public void PrintCalls(string what, Dictionary<string, List<PwshResult>> results, double floorMs, double targetRatio, string load)
    {
        Console.WriteLine($"| module | {what}, first call after Import-Module (ms) | × floor | CPU of the call, all threads (ms) | CPU of the whole process, user+sys (ms) | whole process, wall (ms) | Import-Module (ms) | methods JIT-compiled during the call | their JIT time, all threads (ms) | peak RSS (MB) | objects |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string name, List<PwshResult> runs) in results)
        {
            double call = BenchStats.Median(runs.Select(r => r.CallMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {call:N0} | {call / floorMs:F1}x | {BenchStats.Median(runs.Select(r => r.CallCpuMs)):N0} | {BenchStats.Median(runs.Select(r => r.CpuMs)):N0} | {BenchStats.Median(runs.Select(r => r.WallMs)):N0} | {BenchStats.Median(runs.Select(r => r.LoadMs)):N0} | {BenchStats.Median(runs.Select(r => (double)r.JitMethods)):N0} | {BenchStats.Median(runs.Select(r => r.JitMs)):N0} | {BenchStats.Median(runs.Select(r => r.PeakMegabytes)):N0} | {runs[0].Count:N0} |"));
            AddTarget($"{what} ≤ {targetRatio}× floor", name, string.Create(CultureInfo.InvariantCulture, $"{call / floorMs:F1}× ({call:N0} / {floorMs:N0} ms)"), call <= targetRatio * floorMs, load);
        }

        Console.WriteLine();
    }

    /// <summary>pwsh's start-up alone against start-up with Import-Module, medians of <paramref name="runs"/>, taking turns.</summary>
    public void StartUp(int runs)
    {
        var bare = new List<double>();
        var loaded = Modules.ToDictionary(m => m.Name, _ => new List<PwshResult>());
        for (int run = 0; run < runs; run++)
        {
            bare.Add(_runner.Run("Start", null, null).WallMs);
            foreach ((string name, string manifest) in Modules)
            {
                loaded[name].Add(_runner.Run("Load", manifest, null));
            }
        }

        string load = BenchStats.LoadAverage();
        double alone = BenchStats.Median(bare);
        Console.WriteLine($"## pwsh start-up alone and with Import-Module (median of {runs}, taking turns; load average {load})");
        Console.WriteLine();
        Console.WriteLine("| process | whole process, wall (ms) | added by Import-Module (ms) | Import-Module inside (ms) | CPU, user+sys (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| pwsh alone | {alone:N0} | | | |");
        foreach ((string name, List<PwshResult> results) in loaded)
        {
            double with = BenchStats.Median(results.Select(r => r.WallMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| pwsh + Import-Module ({name}) | {with:N0} | {with - alone:N0} | {BenchStats.Median(results.Select(r => r.LoadMs)):N0} | {BenchStats.Median(results.Select(r => r.CpuMs)):N0} |"));
            AddTarget("Import-Module adds ≤ 150 ms to start-up", name, string.Create(CultureInfo.InvariantCulture, $"{with - alone:N0} ms ({with:N0} vs {alone:N0})"), with - alone <= 150, load);
        }

        Console.WriteLine();
    }

    /// <summary>Peak RSS of one pwsh import of each number of files (list files from <paramref name="listFor"/>): flat within 10%.</summary>
    public void Memory(IReadOnlyList<int> counts, Func<int, string> listFor, string describe)
    {
        var peaks = Modules.ToDictionary(m => m.Name, _ => new List<(int Count, PwshResult Result)>());
        foreach (int count in counts)
        {
            string list = listFor(count);
            foreach ((string name, string manifest) in Modules)
            {
                peaks[name].Add((count, _runner.Run("Stream", manifest, list)));
            }
        }

        string load = BenchStats.LoadAverage();
        Console.WriteLine($"## Peak memory of the pwsh process by number of files ({describe}; load average {load})");
        Console.WriteLine();
        Console.WriteLine("| module | files | call (ms) | CPU, user+sys (ms) | peak RSS (MB) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach ((string name, List<(int Count, PwshResult Result)> rows) in peaks)
        {
            foreach ((int count, PwshResult result) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count} | {result.CallMs:N0} | {result.CpuMs:N0} | {result.PeakMegabytes:N0} |"));
            }

            double low = rows.Min(r => r.Result.PeakMegabytes), high = rows.Max(r => r.Result.PeakMegabytes);
            AddTarget($"peak memory flat for {string.Join('/', counts)} files (within 10%)", name,
                string.Create(CultureInfo.InvariantCulture, $"{string.Join(" / ", rows.Select(r => r.Result.PeakMegabytes.ToString("F0", CultureInfo.InvariantCulture)))} MB (+{(high / low - 1) * 100:F0}%)"),
                high <= low * 1.10, load);
        }

        Console.WriteLine();
    }

    public void AddTarget(string target, string module, string measured, bool pass, string load) =>
        _summary.Add($"| {target} | {module} | {measured} | {(pass ? "pass" : "FAIL")} | {load} |");

    public void PrintSummary()
    {
        Console.WriteLine("## Summary: targets");
        Console.WriteLine();
        Console.WriteLine("| target | module | measured (medians) | result | load average |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (string line in _summary)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
    }
}
