using System.Diagnostics;
using System.Globalization;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Bench;

/// <summary>
/// The child process of the import benchmark: imports the files it is given once, as a fresh process would
/// (first call, JIT included), and prints "elapsed-ms peak-working-set-bytes records patients cpu-ms" on one line.
/// Usage: import-once [--engine Streaming|ExcelDataReader] &lt;file or @listfile&gt;...
/// </summary>
internal sealed class ImportOnceCommand : IBenchmark
{
    public string Name => "import-once";

    public string Description => "(internal) import the given files once in this process and print ms, peak bytes, records";

    public int Run(string[] args)
    {
        var stopwatch = Stopwatch.StartNew();
        TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        WorkbookEngine engine = WorkbookEngine.Streaming;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--engine")
            {
                engine = Enum.Parse<WorkbookEngine>(args[++i]);
            }
            else if (args[i].StartsWith('@'))
            {
                files.AddRange(File.ReadAllLines(args[i][1..]).Where(l => l.Length > 0));
            }
            else
            {
                files.Add(args[i]);
            }
        }

        var importer = new WorkbookImporter(engine);
        long records = 0;
        long patients = 0;
        foreach (string file in files)
        {
            // Records are consumed and dropped, as the cmdlet streams them, so memory should not grow with files.
            foreach (CommunityRecord record in importer.Read(file).Records)
            {
                records++;
                patients += record.TotalWaiting ?? 0;
            }
        }

        stopwatch.Stop();
        using Process self = Process.GetCurrentProcess();
        double cpu = (self.TotalProcessorTime - cpuAtStart).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stopwatch.Elapsed.TotalMilliseconds:F1} {self.PeakWorkingSet64} {records} {patients} {cpu:F1}"));
        return 0;
    }
}
