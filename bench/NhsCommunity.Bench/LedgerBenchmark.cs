using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Fixtures;
using NhsCommunity.Ledger;
using NhsCommunity.Queries;

namespace NhsCommunity.Bench;

/// <summary>
/// What the load ledger and the history cost, in three parts, each printed as a Markdown table with medians:
/// <list type="number">
/// <item>the 12-month backfill (Invoke-CommunityBackfill in a fresh pwsh, each run into a fresh database) with this
/// build and, side by side and alternating run by run, with another build given by <c>--base &lt;NhsCommunity.psd1&gt;</c>
/// (a build without the ledger): wall time and the cmdlet's own Duration, and the ratio;</item>
/// <item>a run over an unchanged folder of 120 monthly workbooks (loaded once before): wall time, the cmdlet's
/// Duration, and a pwsh that only imports the module (process start) for comparison;</item>
/// <item>-AsOf over a 10-year history with a revision every month (generated in SQL: 150 trusts × 120 months, each
/// trust-month with its before-value, first edition and revision) against the same queries on the current table.</item>
/// </list>
/// Options: --runs N (default 5), --base PSD1, --skip-backfill, --skip-unchanged, --skip-asof.
/// </summary>
internal sealed class LedgerBenchmark : IBenchmark
{
    public string Name => "ledger";

    public string Description => "ledger + history overhead on the 12-month backfill (vs --base build), unchanged 120-file folder, -AsOf vs current";

    public int Run(string[] args)
    {
        int runs = CoverageBenchmark.IntOption(args, "--runs", 5);
        string? baseManifest = CoverageBenchmark.StringOption(args, "--base");
        string manifest = Path.Combine(BenchPaths.RepositoryRoot, "NhsCommunity.psd1");
        if (!LocalPostgresServer.IsInstalled())
        {
            Console.Error.WriteLine(new PostgresNotInstalledException().Message);
            return 1;
        }

        string scratch = Directory.CreateTempSubdirectory("nhscommunity-ledger-bench-").FullName;
        try
        {
            using LocalPostgresServer server = LocalPostgresServer.Start();
            Console.WriteLine($"# ledger benchmark: {runs} runs, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
            Console.WriteLine();
            if (!args.Contains("--skip-backfill"))
            {
                Overhead(server, scratch, manifest, baseManifest, runs);
            }

            if (!args.Contains("--skip-unchanged"))
            {
                Unchanged(server, scratch, manifest, runs);
            }

            if (!args.Contains("--skip-asof"))
            {
                AsOf(server, runs);
            }

            Console.WriteLine($"Load average at the end: {LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Overhead(LocalPostgresServer server, string scratch, string manifest, string? baseManifest, int runs)
    {
        string[] workbooks = SyntheticHistory.Write(Path.Combine(scratch, "twelve"), new DateTime(2024, 8, 1), 12).ToArray();
        var builds = new List<(string Name, string Manifest)> { ("this build", manifest) };
        if (baseManifest is not null)
        {
            builds.Insert(0, ("--base build", Path.GetFullPath(baseManifest)));
        }

        var wall = builds.ToDictionary(b => b.Name, _ => new List<double>());
        var inside = builds.ToDictionary(b => b.Name, _ => new List<double>());
        for (int run = 0; run <= runs; run++)
        {
            // Alternate the order run by run, so neither build always meets a warmer machine; run 0 warms up and is not counted.
            foreach (var (name, psd1) in run % 2 == 0 ? builds : Enumerable.Reverse(builds).ToList())
            {
                string connectionString = server.CreateDatabase("ledger_bench_" + Guid.NewGuid().ToString("N")[..10]);
                BackfillBenchmark.CreateRows(connectionString, workbooks);
                var (ms, duration) = Pwsh(psd1, $"Invoke-CommunityBackfill -LiteralPath {List(workbooks)} -ConnectionString '{connectionString}'");
                if (run > 0)
                {
                    wall[name].Add(ms);
                    inside[name].Add(duration);
                }
            }
        }

        Console.WriteLine($"## 12-month backfill (Invoke-CommunityBackfill, fresh pwsh and fresh database per run), median of {runs}, builds alternated");
        Console.WriteLine();
        Console.WriteLine("| build | whole pwsh process (ms) | the cmdlet's Duration (ms) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, _) in builds)
        {
            Console.WriteLine($"| {name} | {Median(wall[name]):F0} | {Median(inside[name]):F0} |");
        }

        if (baseManifest is not null)
        {
            Console.WriteLine($"| ratio this/base | {Median(wall["this build"]) / Median(wall["--base build"]):F3} | {Median(inside["this build"]) / Median(inside["--base build"]):F3} |");
        }

        Console.WriteLine();
    }

    private static void Unchanged(LocalPostgresServer server, string scratch, string manifest, int runs)
    {
        string[] workbooks = SyntheticHistory.Write(Path.Combine(scratch, "ten-years"), new DateTime(2015, 8, 1), 120).ToArray();
        string folder = Path.GetDirectoryName(workbooks[0])!;
        string connectionString = server.CreateDatabase("ledger_bench_unchanged");
        BackfillBenchmark.CreateRows(connectionString, workbooks);
        var (firstMs, firstDuration) = Pwsh(manifest, $"Invoke-CommunityBackfill -Path '{folder}' -ConnectionString '{connectionString}'");

        var wall = new List<double>();
        var inside = new List<double>();
        var start = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            var (ms, duration) = Pwsh(manifest, $"Invoke-CommunityBackfill -Path '{folder}' -ConnectionString '{connectionString}'");
            var (baseline, _) = Pwsh(manifest, "[pscustomobject]@{ Duration = [timespan]::Zero; ExitCode = 0 }");
            if (run > 0)
            {
                wall.Add(ms);
                inside.Add(duration);
                start.Add(baseline);
            }
        }

        Console.WriteLine($"## Unchanged folder of 120 monthly workbooks (loaded once: {firstMs:F0} ms, cmdlet {firstDuration:F0} ms), median of {runs}");
        Console.WriteLine();
        Console.WriteLine("| measure | ms |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| whole pwsh process: import the module, hash 120 files, one ledger read, one ledger write | {Median(wall):F0} |");
        Console.WriteLine($"| the cmdlet's own Duration | {Median(inside):F0} |");
        Console.WriteLine($"| process start: the same pwsh importing the module and doing nothing | {Median(start):F0} |");
        Console.WriteLine($"| whole run minus process start | {Median(wall) - Median(start):F0} |");
        Console.WriteLine();
    }

    private static void AsOf(LocalPostgresServer server, int runs)
    {
        string connectionString = server.CreateDatabase("ledger_bench_asof");
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var stopwatch = Stopwatch.StartNew();
        Execute(connection, TrustMetricsSchema.CreateTable);
        Execute(connection, CoverageHistorySql.Insert(150, 120, new DateTime(2025, 7, 1)));
        Execute(connection, LedgerSql.CreateTables);

        // Each trust-month: the value before the module (no document, valid until its first load 40 days after the
        // month), the first edition (another last_updated, so another document) until the revision a month later,
        // and the revision, which is the row as it is now.
        Execute(connection, """
            INSERT INTO community_data_history (trust_code, period, data_type, column_name, kind, had_row, document, trust_name, icb_code, icb_name, valid_from, valid_to, run_id)
            SELECT m.trust_code, m.period, m.data_type, 'community_data', v.kind, true, v.document, m.trust_name, m.icb_code, m.icb_name, v.valid_from, v.valid_to, v.run_id
            FROM trust_metrics m
            CROSS JOIN LATERAL (VALUES
                ('Before', NULL::jsonb, '-infinity'::timestamptz, (m.period + 40)::timestamptz, NULL::uuid),
                ('Write', jsonb_set(m.community_data, '{metadata,last_updated}', to_jsonb((m.period + 40)::text)), (m.period + 40)::timestamptz, (m.period + 70)::timestamptz, gen_random_uuid()),
                ('Write', m.community_data, (m.period + 70)::timestamptz, 'infinity'::timestamptz, gen_random_uuid())
            ) AS v(kind, document, valid_from, valid_to, run_id)
            WHERE m.community_data IS NOT NULL
            """);
        Execute(connection, "VACUUM (ANALYZE) trust_metrics");
        Execute(connection, "VACUUM (ANALYZE) community_data_history");
        Console.WriteLine($"## -AsOf over a 10-year history with a revision every month (generated in {stopwatch.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine();
        Console.WriteLine(Scalar(connection, "SELECT format('trust_metrics %s rows; community_data_history %s versions, %s', (SELECT count(*) FROM trust_metrics), count(*), pg_size_pretty(pg_total_relation_size('community_data_history'))) FROM community_data_history"));
        Console.WriteLine();

        // A moment in the middle of the history (the months after it have no document yet, the last one is a first
        // edition) and one after it all (every trust-month's revision: as much to read as the current table).
        DateTimeOffset moment = new(2020, 6, 15, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset end = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var queries = new (string Name, Func<CoverageScope, object> Read)[]
        {
            ("Get-CommunityWaitingList -Category Adult -MinTotalWaiting 1000", scope => WaitingListReader.Read(connection, new WaitingListQuery { Scope = scope, Category = Catalogue.ServiceCategory.Adult, MinTotalWaiting = 1000 }).Count()),
            ("Get-CommunityWaitingList -TrustCode RAB", scope => WaitingListReader.Read(connection, new WaitingListQuery { Scope = scope with { TrustCodes = ["RAB"] } }).Count()),
            ("Get-CommunityWaitingList -GroupBy Icb, Period", scope => WaitingListReader.ReadGrouped(connection, new WaitingListQuery { Scope = scope, GroupBy = [WaitingListGrouping.Icb, WaitingListGrouping.Period] }).Count()),
            ("Test-CommunityCoverage (whole history)", scope => CoverageAnalyzer.Run(connection, scope).Rows),
        };

        Console.WriteLine($"| query, median of {runs} | current table (ms) | -AsOf {moment:yyyy-MM-dd} (ms) | ratio | -AsOf {end:yyyy-MM-dd} (ms) | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, read) in queries)
        {
            List<double> now = Time(runs, () => read(new CoverageScope()));
            List<double> then = Time(runs, () => read(new CoverageScope { AsOf = moment }));
            List<double> last = Time(runs, () => read(new CoverageScope { AsOf = end }));
            Console.WriteLine($"| {name} | {Median(now):F0} | {Median(then):F0} | {Median(then) / Median(now):F2} | {Median(last):F0} | {Median(last) / Median(now):F2} |");
        }

        Console.WriteLine();
    }

    /// <summary>Runs <paramref name="command"/> in a fresh `dotnet pwsh` after importing <paramref name="manifest"/>; returns the wall time and the result's Duration.</summary>
    private static (double WallMs, double DurationMs) Pwsh(string manifest, string command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = BenchPaths.RepositoryRoot };
        foreach (string argument in (string[])["pwsh", "-NoProfile", "-NonInteractive", "-Command",
            $"Import-Module '{manifest}' -ErrorAction Stop; $s = {command}; if ($s.ExitCode -ne 0) {{ exit 1 }}; $s.Duration.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)"])
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using Process child = Process.Start(start)!;
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        double wall = stopwatch.Elapsed.TotalMilliseconds;
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh failed ({child.ExitCode}): {output}\n{error.Result}");
        }

        return (wall, double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
    }

    private static string List(IEnumerable<string> files) => string.Join(",", files.Select(f => $"'{f}'"));

    private static List<double> Time(int runs, Action action)
    {
        var times = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            if (run > 0)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    private static string Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }
}
