using System.Diagnostics;
using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Queries;
using NhsCommunity.Reports;
using Npgsql;

namespace NhsCommunity.Bench;

/// <summary>
/// Test-CommunityCoverage and Export-CommunityReport cores, and a few Get-CommunityWaitingList queries, over a
/// synthetic history generated in the database (default 150 trusts × 120 months). Prints medians of warm runs.
/// Options: --trusts N, --months N, --runs N (default 5), --connection "Host=..." (an existing, empty database;
/// otherwise a throw-away local server is started), --no-generate (reuse the rows already there), --report-only (skip the
/// waiting list queries).
/// </summary>
internal sealed class CoverageBenchmark : IBenchmark
{
    public string Name => "coverage";

    public string Description => "Coverage report (checks + report files) and waiting list queries over a synthetic 10-year history";

    public int Run(string[] args)
    {
        int trusts = IntOption(args, "--trusts", 150);
        int months = IntOption(args, "--months", 120);
        int runs = IntOption(args, "--runs", 5);
        string? given = StringOption(args, "--connection");
        bool generate = !args.Contains("--no-generate");

        using LocalPostgresServer? server = given is null ? LocalPostgresServer.Start() : null;
        string connectionString = given ?? server!.CreateDatabase("coverage_bench");
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();

        Console.WriteLine($"# coverage benchmark: {trusts} trusts × {months} months, {runs} runs, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        if (generate)
        {
            var stopwatch = Stopwatch.StartNew();
            Execute(connection, TrustMetricsSchema.CreateTable + "TRUNCATE trust_metrics;");
            Execute(connection, CoverageHistorySql.Insert(trusts, months, new DateTime(2025, 7, 1)));

            // A table in its steady state, as a month after a backfill: statistics gathered and nothing for autovacuum
            // to do in the middle of a measurement.
            Execute(connection, "VACUUM (ANALYZE) trust_metrics");
            Console.WriteLine($"Generated in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
        }

        Console.WriteLine(Scalar(connection, "SELECT format('%s rows, %s documents, %s services, table %s', count(*), count(community_data), sum((community_data->'metadata'->>'services_reported')::int), pg_size_pretty(pg_total_relation_size('trust_metrics'))) FROM trust_metrics"));
        Console.WriteLine();

        if (args.Contains("--print-sql"))
        {
            Console.WriteLine(CoverageQueries.ReportSql(CoverageChecks.All.Where(c => !c.NeedsSource).ToArray(), new CoverageSql(new CoverageScope(), SqlStyle.Literals)));
            return 0;
        }

        if (args.Contains("--explain"))
        {
            // The plans of the two statements of a report, for finding where time goes.
            var sql = new CoverageSql(new CoverageScope(), SqlStyle.Literals);
            foreach (string statement in new[] { CoverageQueries.ReportSql(CoverageChecks.All.Where(c => !c.NeedsSource).ToArray(), sql) })
            {
                Execute(connection, "SET work_mem = '64MB'" + "; SET enable_nestloop = off");
                using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + statement, connection) { CommandTimeout = 600 };
                using var reader = explain.ExecuteReader();
                while (reader.Read())
                {
                    Console.WriteLine(reader.GetString(0));
                }
            }

            return 0;
        }

        string folder = Directory.CreateTempSubdirectory("nhscommunity-coverage-bench-").FullName;
        try
        {
            var scope = new CoverageScope();
            CoverageReport? report = null;
            var rows = new List<(string, Func<string>)>
            {
                ("coverage + checks (Test-CommunityCoverage core)", () =>
                {
                    report = CoverageAnalyzer.Run(connection, scope);
                    return $"{report.Rows:N0} rows, {report.Findings.Count:N0} findings";
                }),
                ("coverage + checks, all in SQL (the printed statement)", () =>
                {
                    CoverageReport sqlOnly = CoverageAnalyzer.Run(connection, scope, evaluation: CoverageEvaluation.SqlOnly);
                    return $"{sqlOnly.Rows:N0} rows, {sqlOnly.Findings.Count:N0} findings";
                }),
                ("report files (Export-CommunityReport writing)", () =>
                {
                    var files = CommunityReportWriter.Write(report!, folder);
                    return $"{files.Sum(f => f.Bytes) / 1024:N0} KiB in {files.Count} files";
                }),
                ("full report (both)", () =>
                {
                    CoverageReport full = CoverageAnalyzer.Run(connection, scope);
                    var files = CommunityReportWriter.Write(full, folder);
                    return $"{files.Count} files";
                }),
                ("full report, all in SQL", () =>
                {
                    CoverageReport full = CoverageAnalyzer.Run(connection, scope, evaluation: CoverageEvaluation.SqlOnly);
                    var files = CommunityReportWriter.Write(full, folder);
                    return $"{files.Count} files";
                }),
                ("query: adult services > 5,000 waiting", () =>
                    $"{WaitingListReader.Read(connection, new WaitingListQuery { Category = ServiceCategory.Adult, MinTotalWaiting = 5000 }).Count():N0} rows"),
                ("query: one trust, all months", () =>
                    $"{WaitingListReader.Read(connection, new WaitingListQuery { Scope = new CoverageScope { TrustCodes = ["RAB"] } }).Count():N0} rows"),
                ("query: ICB × month roll-up", () =>
                    $"{WaitingListReader.ReadGrouped(connection, new WaitingListQuery { GroupBy = [WaitingListGrouping.Icb, WaitingListGrouping.Period] }).Count():N0} groups"),
                ("query: every row (streamed)", () =>
                    $"{WaitingListReader.Read(connection, new WaitingListQuery()).Count():N0} rows"),
            };

            if (args.Contains("--report-only"))
            {
                rows.RemoveAll(row => row.Item1.StartsWith("query:", StringComparison.Ordinal));
            }

            // Wall time on a shared machine says little: also the CPU time of the server's processes (from /proc, when
            // the server is local) and of this process, the figures that transfer to an idle machine.
            int backend = Convert.ToInt32(Scalar(connection, "SELECT pg_backend_pid()"), CultureInfo.InvariantCulture);
            Console.WriteLine($"Load average before: {LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine("| step | first run ms | median wall ms | median server CPU ms (all backends) | median client CPU ms | result |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            var medians = new Dictionary<string, double>();
            foreach (var (name, step) in rows)
            {
                // The first run pays for JIT compilation, as a report in a fresh PowerShell session does.
                var first = Stopwatch.StartNew();
                step();
                double firstMs = first.Elapsed.TotalMilliseconds;
                var wall = new List<double>();
                var serverCpu = new List<double>();
                var client = new List<double>();
                string result = "";
                for (int run = 0; run < runs; run++)
                {
                    double server0 = ServerCpuMs(backend);
                    TimeSpan client0 = Process.GetCurrentProcess().TotalProcessorTime;
                    var stopwatch = Stopwatch.StartNew();
                    result = step();
                    wall.Add(stopwatch.Elapsed.TotalMilliseconds);
                    client.Add((Process.GetCurrentProcess().TotalProcessorTime - client0).TotalMilliseconds);
                    serverCpu.Add(ServerCpuMs(backend) - server0);
                }

                medians[name] = Median(wall);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {firstMs:0} | {Median(wall):0} | {(serverCpu[0] < 0 ? "n/a" : Median(serverCpu).ToString("0", CultureInfo.InvariantCulture))} | {Median(client):0} | {result} |"));
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Full report, all in SQL ÷ plain documents read by the client: {medians["full report, all in SQL"] / medians["full report (both)"]:0.0}×"));
            Console.WriteLine($"Load average after: {LoadAverage()}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>
    /// utime + stime in milliseconds of every process of the server whose backend <paramref name="backend"/> is (its
    /// postmaster's children: this connection, the report's further connections, background work); -1 where /proc
    /// cannot tell (a remote server).
    /// </summary>
    private static double ServerCpuMs(int backend)
    {
        if (Stat(backend) is not { } own)
        {
            return -1;
        }

        string postmaster = own[1];
        double total = 0;
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out int pid) && Stat(pid) is { } fields && fields[1] == postmaster)
            {
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
            }
        }

        return total;
    }

    /// <summary>The fields of /proc/pid/stat after the command name (state, ppid, ...), or null.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        command.ExecuteNonQuery();
    }

    private static string Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar()?.ToString() ?? "";
    }

    internal static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    internal static string? StringOption(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
