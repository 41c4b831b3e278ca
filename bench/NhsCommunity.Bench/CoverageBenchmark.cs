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
/// otherwise a throw-away local server is started), --no-generate (reuse the rows already there).
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
            Console.WriteLine($"Generated in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
        }

        Console.WriteLine(Scalar(connection, "SELECT format('%s rows, %s documents, %s services, table %s', count(*), count(community_data), sum((community_data->'metadata'->>'services_reported')::int), pg_size_pretty(pg_total_relation_size('trust_metrics'))) FROM trust_metrics"));
        Console.WriteLine();

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
                ("report files (Export-CommunityReport writing)", () =>
                {
                    var files = CommunityReportWriter.Write(report!, folder);
                    return $"{files.Sum(f => f.Length) / 1024:N0} KiB in {files.Count} files";
                }),
                ("full report (both)", () =>
                {
                    CoverageReport full = CoverageAnalyzer.Run(connection, scope);
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

            Console.WriteLine("| step | median ms | min ms | result |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var (name, step) in rows)
            {
                step(); // warm-up
                var times = new List<double>();
                string result = "";
                for (int run = 0; run < runs; run++)
                {
                    var stopwatch = Stopwatch.StartNew();
                    result = step();
                    times.Add(stopwatch.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {times[times.Count / 2]:0} | {times[0]:0} | {result} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

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

    private static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? StringOption(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
