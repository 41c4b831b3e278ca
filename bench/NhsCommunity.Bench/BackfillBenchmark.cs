using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Bench;

/// <summary>
/// The 12-month backfill end to end (import, convert, write) into a local PostgreSQL, each run a fresh
/// process (runtime start and JIT included), directly and through a TCP proxy that delays every chunk
/// by 20 ms each way; shows that the cost of latency is per month, not per trust. Round trips are
/// counted twice: by the writer (statements sent) and by the proxy (client-to-server turns, connection
/// start-up included). Prints Markdown tables.
/// Options: --runs N (default 5), --delay MS (default 20), --months N (default 12), --data DIR
/// (workbooks to use instead of generated ones). NHSCOMMUNITY_BENCH_TRACE=1 prints per-month write times.
/// </summary>
internal sealed class BackfillBenchmark : IBenchmark
{
    public string Name => "backfill";

    public string Description => "12-month backfill end to end into a local PostgreSQL, directly and through a 20 ms proxy; round trips counted";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        if (!LocalPostgresServer.IsInstalled())
        {
            Console.Error.WriteLine(new PostgresNotInstalledException().Message);
            return 1;
        }

        string scratch = Directory.CreateTempSubdirectory("nhscommunity-backfill-bench-").FullName;
        try
        {
            string[] workbooks = options.DataDirectory is null
                ? SyntheticHistory.Write(Path.Combine(scratch, "workbooks"), new DateTime(2024, 8, 1), options.Months).ToArray()
                : Directory.EnumerateFiles(options.DataDirectory, "*.xlsx").Order(StringComparer.Ordinal).ToArray();
            string list = Path.Combine(scratch, "workbooks.txt");
            File.WriteAllLines(list, workbooks);

            using LocalPostgresServer server = LocalPostgresServer.Start();
            string connectionString = server.CreateDatabase("backfill_bench");
            int rows = CreateRows(connectionString, workbooks);

            Console.WriteLine($"# backfill benchmark: {workbooks.Length} workbooks ({(options.DataDirectory is null ? "generated" : options.DataDirectory)}), {rows:N0} trust_metrics rows, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            Console.WriteLine();

            var pwsh = new PwshComparison(options.Pwsh);
            InPwsh(workbooks, list, connectionString, options, pwsh);
            if (!options.Core)
            {
                pwsh.PrintSummary();
                return 0;
            }

            var direct = Measure(options.Runs, connectionString, list, proxy: null);
            using var proxy = new DelayProxy(server.Port, TimeSpan.FromMilliseconds(options.DelayMs));
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Port = proxy.Port };
            var delayed = Measure(options.Runs, builder.ConnectionString, list, proxy);

            Console.WriteLine($"## {workbooks.Length} months, fresh process per run, median of {options.Runs} runs");
            Console.WriteLine();
            Console.WriteLine("| measure | direct | +" + options.DelayMs + " ms each way | added |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("whole process incl. runtime start (ms)", direct.Select(r => r.WallMs), delayed.Select(r => r.WallMs));
            Row("import + convert (ms)", direct.Select(r => r.ImportMs), delayed.Select(r => r.ImportMs));
            Row("write, connection included (ms)", direct.Select(r => r.WriteMs), delayed.Select(r => r.WriteMs));
            Console.WriteLine($"| writer round trips (start + months + release) | {direct[0].RoundTrips} | {delayed[0].RoundTrips} | |");
            Console.WriteLine($"| client-to-server turns seen by the proxy (start-up included) | | {BenchStats.Median(delayed.Select(r => (double)r.ProxyTurns)):F0} | |");
            Console.WriteLine($"| documents written per run | {direct[0].Updated:N0} | {delayed[0].Updated:N0} | |");
            Console.WriteLine();
            Console.WriteLine($"Months: {direct[0].Months}; write round trips per month: {(direct[0].RoundTrips - 2) / (double)direct[0].Months:F2} (two more per run: one takes the lease and readies the ledger and history tables, one gives the lease back).");
            Console.WriteLine($"Ratio delayed/direct (whole process): {BenchStats.Median(delayed.Select(r => r.WallMs)) / BenchStats.Median(direct.Select(r => r.WallMs)):F2}");
            Console.WriteLine();

            // The same writes in this (warm) process: no runtime start or JIT, so the latency's cost stands out.
            IReadOnlyList<CommunityDocument> documents = Documents(workbooks);
            List<double> warmDirect = WarmWrites(options.Runs, connectionString, documents);
            List<double> warmDelayed = WarmWrites(options.Runs, builder.ConnectionString, documents);
            Console.WriteLine($"## Writes only, warm process, median of {options.Runs} runs (connection opened each run)");
            Console.WriteLine();
            Console.WriteLine("| measure | direct | +" + options.DelayMs + " ms each way | added | added per month |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            double months = documents.Select(d => d.Period).Distinct().Count();
            Console.WriteLine($"| write {months} months (ms) | {BenchStats.Median(warmDirect):F0} | {BenchStats.Median(warmDelayed):F0} | {BenchStats.Median(warmDelayed) - BenchStats.Median(warmDirect):F0} | {(BenchStats.Median(warmDelayed) - BenchStats.Median(warmDirect)) / months:F0} |");
            pwsh.PrintSummary();
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The whole backfill as users run it: the three cmdlets piped in a fresh pwsh, against the floor of the same workbooks.</summary>
    private static void InPwsh(string[] workbooks, string list, string connectionString, Options options, PwshComparison pwsh)
    {
        var floor = new InflateFloor(workbooks);
        floor.Measure(options.Runs);
        Console.WriteLine($"## The whole backfill in real pwsh: {workbooks.Length} months into a local PostgreSQL, median of {options.Runs} fresh processes per module");
        Console.WriteLine();
        pwsh.PrintSetup();
        var environment = new Dictionary<string, string> { [DatabaseConnection.EnvironmentVariable] = connectionString };
        Dictionary<string, List<PwshResult>> results = pwsh.Alternate("Backfill", list, options.Runs, () => Reset(connectionString), environment);
        string load = BenchStats.LoadAverage();
        floor.Measure(options.Runs);
        Console.WriteLine($"`Import-CommunityWorkbook -LiteralPath $files | ConvertTo-CommunityJsonb | Update-TrustMetrics` after `Import-Module`, every document written (the column is emptied before each run); {floor.Describe()}. Load average {load}.");
        Console.WriteLine();
        pwsh.PrintCalls($"backfill of {workbooks.Length} months", results, floor.MedianMs, 5, load);
    }

    private static void Row(string measure, IEnumerable<double> direct, IEnumerable<double> delayed)
    {
        double a = BenchStats.Median(direct), b = BenchStats.Median(delayed);
        Console.WriteLine($"| {measure} | {a:F0} | {b:F0} | {b - a:F0} |");
    }

    private static List<RunResult> Measure(int runs, string connectionString, string list, DelayProxy? proxy)
    {
        var results = new List<RunResult>();
        for (int run = 0; run < runs; run++)
        {
            Reset(connectionString);
            long turnsBefore = proxy?.Turns ?? 0;
            var stopwatch = Stopwatch.StartNew();
            string output = RunChild(connectionString, list);
            double wall = stopwatch.Elapsed.TotalMilliseconds;
            string[] parts = output.Trim().Split(' ');
            results.Add(new RunResult(
                wall,
                double.Parse(parts[0], CultureInfo.InvariantCulture),
                double.Parse(parts[1], CultureInfo.InvariantCulture),
                int.Parse(parts[2], CultureInfo.InvariantCulture),
                int.Parse(parts[3], CultureInfo.InvariantCulture),
                int.Parse(parts[4], CultureInfo.InvariantCulture),
                (proxy?.Turns ?? 0) - turnsBefore));
        }

        return results;
    }

    internal static IReadOnlyList<CommunityDocument> Documents(string[] workbooks)
    {
        var builder = new CommunityDocumentBuilder();
        var importer = new WorkbookImporter();
        foreach (string workbook in workbooks)
        {
            builder.AddRange(importer.Read(workbook).Records);
        }

        return builder.Build().Documents;
    }

    private static List<double> WarmWrites(int runs, string connectionString, IReadOnlyList<CommunityDocument> documents)
    {
        var times = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            Reset(connectionString);
            var stopwatch = Stopwatch.StartNew();
            using (DatabaseTarget database = DatabaseTarget.Resolve(connectionString))
            {
                var writer = new TrustMetricsWriter(database, new TrustMetricsWriteOptions());
                writer.PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
                foreach (var month in documents.GroupBy(d => d.Period).OrderBy(g => g.Key))
                {
                    writer.WriteMonthAsync(month.Key, month.ToList(), CancellationToken.None).GetAwaiter().GetResult();
                }

                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            // The first run warms up (JIT) and is not counted.
            if (run > 0)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }

    /// <summary>Every run must really write, as a first run does: empty the documents, the history and the ledger again (not timed).</summary>
    private static void Reset(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        foreach (string sql in new[] { "UPDATE trust_metrics SET community_data = NULL", "DROP TABLE IF EXISTS community_data_history, community_loads", "VACUUM ANALYZE trust_metrics" })
        {
            using var reset = new NpgsqlCommand(sql, connection);
            reset.ExecuteNonQuery();
        }
    }

    /// <summary>One row per NHS trust in the workbooks for every month, with RTT data, as the users' database has.</summary>
    internal static int CreateRows(string connectionString, string[] workbooks)
    {
        IReadOnlyList<CommunityDocument> documents = Documents(workbooks);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var create = new NpgsqlCommand(TrustMetricsSchema.CreateTable, connection))
        {
            create.ExecuteNonQuery();
        }

        using var insert = new NpgsqlCommand("""
            INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data)
            SELECT t.code, t.name, t.period, 'monthly', 'Q' || lpad((abs(hashtext(t.code)) % 42)::text, 2, '0'), 'SYNTHETIC ICB',
                   jsonb_build_object('trust_total', jsonb_build_object('total_incomplete_pathways', abs(hashtext(t.code || t.period::text)) % 100000))
            FROM unnest($1::text[], $2::text[], $3::date[]) AS t(code, name, period)
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = documents.Select(d => d.TrustCode).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = documents.Select(d => d.TrustName).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = documents.Select(d => DateOnly.FromDateTime(d.Period)).ToArray() });
        return insert.ExecuteNonQuery();
    }

    internal static string RunChild(string connectionString, string list)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BackfillBenchmark).Assembly.Location);
        }

        // The connection string goes in the environment, as a scheduled task would pass it.
        start.Environment[DatabaseConnection.EnvironmentVariable] = connectionString;
        start.ArgumentList.Add("backfill-once");
        start.ArgumentList.Add("@" + list);
        using Process child = Process.Start(start)!;
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (Environment.GetEnvironmentVariable("NHSCOMMUNITY_BENCH_TRACE") is not null)
        {
            Console.Error.Write(error.Result);
        }

        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"backfill-once failed ({child.ExitCode}): {output} {error.Result}");
        }

        return output;
    }


    private readonly record struct RunResult(double WallMs, double ImportMs, double WriteMs, int RoundTrips, int Months, int Updated, long ProxyTurns);

    private sealed record Options(int Runs, int DelayMs, int Months, string? DataDirectory, bool Core, PwshSettings Pwsh)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(5, 20, 12, null, true, new PwshSettings());
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                options = args[i] switch
                {
                    "--runs" => options with { Runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--delay" => options with { DelayMs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--months" => options with { Months = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                    "--data" => options with { DataDirectory = args[i + 1] },
                    "--core" => options with { Core = args[i + 1] is not ("off" or "no" or "0") },
                    _ when options.Pwsh.Accept(args[i], args[i + 1]) => options,
                    _ => throw new ArgumentException($"Unknown option {args[i]}"),
                };
            }

            return options;
        }
    }
}
