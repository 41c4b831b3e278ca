using System.Diagnostics;
using System.Globalization;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Bench;

/// <summary>
/// Import throughput on the real workbooks: a year (12 files, the real ones cycled) in a fresh process with
/// JIT included, warm per-workbook medians of the streaming reader and ExcelDataReader side by side, and peak
/// working set as the number of files grows. Prints Markdown tables.
/// Options: --runs N (fresh processes, default 5), --warm N (warm runs per workbook, default 5),
/// --edr-runs N (ExcelDataReader warm runs, default 2), --counts 12,60,120, --data DIR.
/// </summary>
internal sealed class ImportBenchmark : IBenchmark
{
    public string Name => "import";

    public string Description => "Import-CommunityWorkbook core: fresh-process year, warm medians vs ExcelDataReader, memory by file count";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        string[] workbooks = options.DataDirectory is null
            ? BenchPaths.RealWorkbooks()
            : Directory.EnumerateFiles(options.DataDirectory, "*.xls*").Order(StringComparer.Ordinal).ToArray();
        if (workbooks.Length == 0)
        {
            Console.Error.WriteLine($"No workbooks found (looked in {options.DataDirectory ?? BenchPaths.RealWorkbookDirectory}).");
            return 1;
        }

        Console.WriteLine($"# import benchmark: {workbooks.Length} workbooks, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {BenchStats.LoadAverage()}");
        Console.WriteLine();

        string scratch = Directory.CreateTempSubdirectory("nhscommunity-bench-").FullName;
        try
        {
            var pwsh = new PwshComparison(options.Pwsh);
            InPwsh(workbooks, options, scratch, pwsh);
            if (options.Core)
            {
                FreshProcessYear(workbooks, options, scratch);
                if (options.WarmRuns > 0)
                {
                    WarmPerWorkbook(workbooks, options);
                }

                MemoryByFileCount(workbooks, options, scratch);
                if (options.SyntheticMonths > 0)
                {
                    SyntheticHistoryRun(options, scratch);
                }
            }

            pwsh.PrintSummary();
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return 0;
    }

    /// <summary>What users pay: the cmdlet in a fresh pwsh, first call after Import-Module, against the floor measured around it.</summary>
    private static void InPwsh(string[] workbooks, Options options, string scratch, PwshComparison pwsh)
    {
        string[] year = [.. Cycle(workbooks, 12)];
        string list = WriteList(scratch, year);
        string describe = workbooks.Length == 12 ? "the 12 real workbooks" : $"the {workbooks.Length} real workbooks of {Path.GetDirectoryName(workbooks[0])} cycled";
        var floor = new InflateFloor(year);
        floor.Measure(options.FreshRuns);
        Console.WriteLine($"## Import-CommunityWorkbook in real pwsh: a year (12 files: {describe}), median of {options.FreshRuns} fresh processes per module");
        Console.WriteLine();
        pwsh.PrintSetup();
        Dictionary<string, List<PwshResult>> results = pwsh.Alternate("Import", list, options.FreshRuns);
        string load = BenchStats.LoadAverage();
        floor.Measure(options.FreshRuns);
        Console.WriteLine($"`$records = Import-CommunityWorkbook -LiteralPath $files` after `Import-Module`; {floor.Describe()}. Load average {load}.");
        Console.WriteLine();
        pwsh.PrintCalls("import of 12 files", results, floor.MedianMs, 4, load);
        pwsh.StartUp(options.FreshRuns);
        pwsh.Memory(options.FileCounts, count => WriteList(scratch, Cycle(workbooks, count)), $"`Import-CommunityWorkbook ... | Out-Null`, streamed; {describe} repeated to make up the count");
    }

    private static void FreshProcessYear(string[] workbooks, Options options, string scratch)
    {
        string list = WriteList(scratch, Cycle(workbooks, 12));
        var inProcess = new List<double>();
        var wall = new List<double>();
        var cpu = new List<double>();
        ChildResult last = default;
        for (int run = 0; run < options.FreshRuns; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            last = RunChild(WorkbookEngine.Streaming, list);
            wall.Add(stopwatch.Elapsed.TotalMilliseconds);
            inProcess.Add(last.ElapsedMs);
            cpu.Add(last.CpuMs);
        }

        Console.WriteLine($"## A year of workbooks (12 files: the {workbooks.Length} real ones cycled) in a fresh process, {options.FreshRuns} runs");
        Console.WriteLine();
        Console.WriteLine("| measure | median | min | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| import, first call incl. JIT (ms) | {BenchStats.Median(inProcess):F0} | {inProcess.Min():F0} | {inProcess.Max():F0} |");
        Console.WriteLine($"| whole process incl. runtime start (ms) | {BenchStats.Median(wall):F0} | {wall.Min():F0} | {wall.Max():F0} |");
        Console.WriteLine($"| CPU time of the import, all threads (ms) | {BenchStats.Median(cpu):F0} | {cpu.Min():F0} | {cpu.Max():F0} |");
        Console.WriteLine();
        Console.WriteLine($"Records per year: {last.Records:N0}; peak working set {last.PeakBytes / 1048576.0:F0} MB.");
        Console.WriteLine();
    }

    private static void WarmPerWorkbook(string[] workbooks, Options options)
    {
        var streaming = new WorkbookImporter(WorkbookEngine.Streaming);
        var excelDataReader = new WorkbookImporter(WorkbookEngine.ExcelDataReader);
        foreach (string workbook in workbooks)
        {
            streaming.Read(workbook); // warm-up: JIT and file cache
        }

        Console.WriteLine($"## Warm, per workbook (median of {options.WarmRuns} streaming runs, {options.ExcelDataReaderRuns} ExcelDataReader runs)");
        Console.WriteLine();
        Console.WriteLine("| workbook | records | streaming (ms) | ExcelDataReader (ms) | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        double totalStreaming = 0, totalExcelDataReader = 0;
        foreach (string workbook in workbooks)
        {
            int records = 0;
            double fast = BenchStats.Median(Measure(options.WarmRuns, () => records = streaming.Read(workbook).Records.Count));
            int slowRecords = 0;
            double slow = BenchStats.Median(Measure(options.ExcelDataReaderRuns, () => slowRecords = excelDataReader.Read(workbook).Records.Count));
            if (slowRecords != records)
            {
                Console.Error.WriteLine($"warning: the readers disagree on {Path.GetFileName(workbook)}: {records} vs {slowRecords} records");
            }

            totalStreaming += fast;
            totalExcelDataReader += slow;
            Console.WriteLine($"| {Path.GetFileNameWithoutExtension(workbook)} | {records:N0} | {fast:F0} | {slow:F0} | {slow / fast:F1}x |");
        }

        Console.WriteLine($"| **per 12 workbooks (scaled)** | | {totalStreaming * 12 / workbooks.Length:F0} | {totalExcelDataReader * 12 / workbooks.Length:F0} | {totalExcelDataReader / totalStreaming:F1}x |");
        Console.WriteLine();
    }

    private static void MemoryByFileCount(string[] workbooks, Options options, string scratch)
    {
        Console.WriteLine("## Peak working set by number of files (fresh process each)");
        Console.WriteLine();
        Console.WriteLine("| files | import (ms) | per file (ms) | CPU (ms) | records | peak working set (MB) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (int count in options.FileCounts)
        {
            ChildResult result = RunChild(WorkbookEngine.Streaming, WriteList(scratch, Cycle(workbooks, count)));
            Console.WriteLine($"| {count} | {result.ElapsedMs:F0} | {result.ElapsedMs / count:F0} | {result.CpuMs:F0} | {result.Records:N0} | {result.PeakBytes / 1048576.0:F0} |");
        }

        Console.WriteLine();
    }

    private static void SyntheticHistoryRun(Options options, string scratch)
    {
        string directory = Path.Combine(scratch, "synthetic");
        var generating = Stopwatch.StartNew();
        IReadOnlyList<string> files = NhsCommunity.Fixtures.SyntheticHistory.Write(directory, new DateTime(2015, 4, 1), options.SyntheticMonths);
        generating.Stop();
        Console.WriteLine($"## Synthetic history: {files.Count} monthly workbooks from April 2015 (generated in {generating.Elapsed.TotalSeconds:F0} s), fresh process each");
        Console.WriteLine();
        Console.WriteLine("| files | import (ms) | per file (ms) | CPU (ms) | records | peak working set (MB) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (int count in new[] { 12, files.Count / 2, files.Count }.Where(c => c > 0 && c <= files.Count).Distinct())
        {
            ChildResult result = RunChild(WorkbookEngine.Streaming, WriteList(scratch, files.Take(count)));
            Console.WriteLine($"| {count} | {result.ElapsedMs:F0} | {result.ElapsedMs / count:F0} | {result.CpuMs:F0} | {result.Records:N0} | {result.PeakBytes / 1048576.0:F0} |");
        }

        Console.WriteLine();
    }

    private static ChildResult RunChild(WorkbookEngine engine, string listFile)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ImportBenchmark).Assembly.Location);
        }

        foreach (string argument in new[] { "import-once", "--engine", engine.ToString(), "@" + listFile })
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"import-once failed ({child.ExitCode}): {output}");
        }

        string[] parts = output.Trim().Split(' ');
        return new ChildResult(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[4], CultureInfo.InvariantCulture));
    }

    private static string WriteList(string scratch, IEnumerable<string> files)
    {
        string list = Path.Combine(scratch, $"files-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(list, files);
        return list;
    }

    private static IEnumerable<string> Cycle(string[] files, int count) => Enumerable.Range(0, count).Select(i => files[i % files.Length]);

    private static List<double> Measure(int runs, Action action)
    {
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return times;
    }


    private readonly record struct ChildResult(double ElapsedMs, long PeakBytes, long Records, double CpuMs);

    private sealed record Options(int FreshRuns, int WarmRuns, int ExcelDataReaderRuns, int[] FileCounts, string? DataDirectory, int SyntheticMonths, bool Core, PwshSettings Pwsh)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(5, 5, 2, [12, 60, 120], null, 120, true, new PwshSettings());
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                options = args[i] switch
                {
                    "--runs" => options with { FreshRuns = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--warm" => options with { WarmRuns = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--edr-runs" => options with { ExcelDataReaderRuns = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--counts" => options with { FileCounts = args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() },
                    "--data" => options with { DataDirectory = args[i + 1] },
                    "--synthetic" => options with { SyntheticMonths = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--core" => options with { Core = args[i + 1] is not ("off" or "no" or "0") },
                    _ when options.Pwsh.Accept(args[i], args[i + 1]) => options,
                    _ => throw new ArgumentException($"Unknown option {args[i]}"),
                };
            }

            return options;
        }
    }
}
