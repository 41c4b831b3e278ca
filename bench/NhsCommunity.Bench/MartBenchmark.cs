using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Mart;
using NhsCommunity.Queries;
using Npgsql;

namespace NhsCommunity.Bench;

/// <summary>
/// The mart against the JSONB over the synthetic history (default 150 trusts × 120 months), side by side in one run:
/// the full coverage report and the ICB × month roll-up read both ways (warm medians, and whether the results are
/// identical), and a 12-month backfill (12 generated workbooks imported, converted and written) with the mart's
/// triggers and without, in turn run by run so the machine's load falls on both alike. Options: --trusts N, --months N, --runs N
/// (default 7), --backfill-runs N (default 5), --reads-only (no backfill), --explain (the plan of the report read from the mart), --print-sql (print the history and the install script, run nothing),
/// --print-report-sql (the report's statement as it reads the mart), --backfill-only (no reads). Ends with each target of the issue, measured, pass or fail.
/// </summary>
internal sealed class MartBenchmark : IBenchmark
{
    private static readonly bool[] WithoutThenWith = [false, true];

    public string Name => "mart";

    public string Description => "Mart vs JSONB: coverage report, ICB × month roll-up, and a 12-month backfill with and without the mart";

    public int Run(string[] args)
    {
        int trusts = IntOption(args, "--trusts", 150);
        int months = IntOption(args, "--months", 120);
        int runs = IntOption(args, "--runs", 7);
        int backfillRuns = IntOption(args, "--backfill-runs", 5);
        var lastMonth = new DateTime(2025, 7, 1);
        if (args.Contains("--print-report-sql"))
        {
            // The report's statement when it reads the mart (literals, one part), for EXPLAIN ANALYZE in psql.
            Console.WriteLine(MartReportSql());
            return 0;
        }

        if (args.Contains("--print-sql"))
        {
            // The history and the mart's install script, for trying the triggers by hand in psql.
            Console.WriteLine(TrustMetricsSchema.CreateTable);
            Console.WriteLine(CoverageHistorySql.Insert(trusts, months, lastMonth));
            Console.WriteLine("BEGIN;\n" + MartSql.Install("public") + "\nCOMMIT;");
            return 0;
        }

        using LocalPostgresServer server = LocalPostgresServer.Start();
        string connectionString = server.CreateDatabase("mart_bench");
        using DatabaseTarget database = DatabaseTarget.Resolve(connectionString);
        Console.WriteLine($"# mart benchmark: {trusts} trusts × {months} months, {runs} runs, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine($"Load average before: {LoadAverage()}");
        Execute(connectionString, TrustMetricsSchema.CreateTable);
        Execute(connectionString, CoverageHistorySql.Insert(trusts, months, lastMonth));
        Execute(connectionString, "VACUUM (ANALYZE) trust_metrics");

        if (args.Contains("--explain"))
        {
            // The plan of the report's statement when it reads the mart, for finding where its time goes.
            MartInstaller.Install(database);
            Execute(connectionString, "VACUUM (ANALYZE)");
            string statement = MartReportSql();
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var explain = new NpgsqlCommand("SET work_mem = '64MB'; SET enable_nestloop = off; SET jit = off; EXPLAIN (ANALYZE) " + statement, connection) { CommandTimeout = 600 };
            using NpgsqlDataReader reader = explain.ExecuteReader();
            while (reader.Read())
            {
                Console.WriteLine(reader.GetString(0));
            }

            return 0;
        }

        var rollUp = new WaitingListQuery { GroupBy = [WaitingListGrouping.Icb, WaitingListGrouping.Period] };
        var steps = new (string Name, Func<string> Step)[]
        {
            ("full coverage report (Test-CommunityCoverage core)", () => Report(database)),
            ("ICB × month roll-up (Get-CommunityWaitingList -GroupBy Icb, Period)", () => JsonSerializer.Serialize(WaitingListReader.ReadGrouped(database, rollUp).ToList())),
            ("adult services over 5,000 waiting", () => JsonSerializer.Serialize(WaitingListReader.Read(database, new WaitingListQuery { Category = Catalogue.ServiceCategory.Adult, MinTotalWaiting = 5000 }).ToList())),
        };
        if (args.Contains("--backfill-only"))
        {
            steps = [];
        }

        var jsonb = steps.Select(s => Measure(s.Step, runs)).ToList();
        var installWatch = Stopwatch.StartNew();
        MartResult installed = MartInstaller.Install(database);
        double installMs = installWatch.Elapsed.TotalMilliseconds;
        Execute(connectionString, $"VACUUM (ANALYZE) {MartSql.Fact}, {MartSql.Documents}, {MartSql.Trusts}");
        var mart = steps.Select(s => Measure(s.Step, runs)).ToList();

        Console.WriteLine($"Mart installed in {installMs:0} ms: {installed.Rows:N0} fact rows from {installed.Documents:N0} rows of trust_metrics.");
        Console.WriteLine();
        Console.WriteLine($"## Reads, warm, median of {runs} runs");
        Console.WriteLine();
        Console.WriteLine("| read | JSONB ms | mart ms | mart ÷ JSONB | identical results | target |");
        Console.WriteLine("|---|---:|---:|---:|---|---|");
        string[] readTargets = ["< 300 ms", "< 100 ms", ""];
        for (int i = 0; i < steps.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {steps[i].Name} | {jsonb[i].Median:0} | {mart[i].Median:0} | {mart[i].Median / jsonb[i].Median:0.00} | {(jsonb[i].Result == mart[i].Result ? "yes" : "NO")} | {readTargets[i]} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Mart equals the documents after the reads: {(MartEqualsDocuments(database) ? "yes" : "NO")}");
        Console.WriteLine();
        string readsLoad = LoadAverage();
        var targets = new List<(string Target, string Measured, bool Met, string Load)>();
        if (mart.Count > 0)
        {
            targets.Add(("full coverage report with the mart < 300 ms", $"{mart[0].Median:0} ms", mart[0].Median < 300, readsLoad));
            targets.Add(("ICB × month roll-up with the mart < 100 ms", $"{mart[1].Median:0} ms", mart[1].Median < 100, readsLoad));
        }

        if (args.Contains("--reads-only"))
        {
            PrintTargets(targets);
            return jsonb.Zip(mart).All(p => p.First.Result == p.Second.Result) ? 0 : 1;
        }

        // The 12-month backfill as the module does it (12 generated workbooks imported, converted, written), in a database
        // of its own whose trust_metrics holds the workbooks' trusts, beside the 10-year history's mart.
        string scratch = Directory.CreateTempSubdirectory("nhscommunity-mart-bench-").FullName;
        try
        {
            string[] workbooks = Fixtures.SyntheticHistory.Write(Path.Combine(scratch, "workbooks"), lastMonth.AddMonths(-11), 12).ToArray();
            string backfillDatabase = server.CreateDatabase("mart_backfill_bench");
            int rows = BackfillBenchmark.CreateRows(backfillDatabase, workbooks);
            // The history beside them under a data type of its own (its trust codes may be the workbooks' too).
            Execute(backfillDatabase, CoverageHistorySql.Insert(trusts, months, lastMonth).Replace("m.period, 'monthly',", "m.period, 'history',", StringComparison.Ordinal));
            using DatabaseTarget backfillTarget = DatabaseTarget.Resolve(backfillDatabase);
            MartInstaller.Install(backfillTarget);
            Execute(backfillDatabase, "VACUUM (ANALYZE)");
            string list = Path.Combine(scratch, "workbooks.txt");
            File.WriteAllLines(list, workbooks);
            var (process, whole, writes) = Backfills(backfillDatabase, backfillTarget, workbooks, list, backfillRuns);
            Console.WriteLine($"## 12-month backfill: {workbooks.Length} generated workbooks, {rows:N0} rows for their trusts beside the {trusts} × {months} history; median of {backfillRuns} runs each, without and with the mart in turn");
            Console.WriteLine();
            Console.WriteLine("| backfill | without the mart ms | with the mart ms | with ÷ without | target |");
            Console.WriteLine("|---|---:|---:|---:|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| whole backfill, a fresh process per run as a scheduled task runs it (runtime start, import, convert, write) | {Median(process.Without):0} | {Median(process.With):0} | {Median(process.With) / Median(process.Without):0.00} | ≤ 1.25 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| whole backfill in a warm process (import, convert, write) | {Median(whole.Without):0} | {Median(whole.With):0} | {Median(whole.With) / Median(whole.Without):0.00} | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| the writes alone (12 statements, one a month) | {Median(writes.Without):0} | {Median(writes.With):0} | {Median(writes.With) / Median(writes.Without):0.00} | |"));
            Console.WriteLine();
            Console.WriteLine($"Mart equals the documents after the backfills: {(MartEqualsDocuments(backfillTarget) ? "yes" : "NO")}");
            double floor = Floor(backfillDatabase, backfillRuns);
            double added = Median(whole.With) - Median(whole.Without);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The least any mart kept in step after each statement must do for these months (read every band of every service out of the documents with jsonb_each and jsonb_to_record, and insert the fact's rows into a table like it, nothing else), median of {backfillRuns}: {floor:0} ms, {floor / Median(whole.Without):0.00} of the warm backfill without the mart (the target allows 0.25). The triggers add {added:0} ms there, {added / floor:0.0} times that least."));
            double fresh = Median(process.With) / Median(process.Without);
            double warm = Median(whole.With) / Median(whole.Without);
            string backfillLoad = LoadAverage();
            targets.Add(("12-month backfill with ÷ without the mart ≤ 1.25, fresh process", string.Create(CultureInfo.InvariantCulture, $"{fresh:0.00}"), fresh <= 1.25, backfillLoad));
            targets.Add(("the same, warm process", string.Create(CultureInfo.InvariantCulture, $"{warm:0.00}"), warm <= 1.25, backfillLoad));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        Console.WriteLine($"Load average after: {LoadAverage()}");
        PrintTargets(targets);
        return jsonb.Zip(mart).All(p => p.First.Result == p.Second.Result) ? 0 : 1;
    }

    /// <summary>The issue's targets for the mart, each with what was measured, whether it is met, and the load average at the time.</summary>
    private static void PrintTargets(List<(string Target, string Measured, bool Met, string Load)> targets)
    {
        Console.WriteLine();
        Console.WriteLine("## Targets");
        Console.WriteLine();
        Console.WriteLine("| target | measured | met | load average (1, 5, 15 min) |");
        Console.WriteLine("|---|---:|---|---|");
        foreach (var (target, measured, met, load) in targets)
        {
            Console.WriteLine($"| {target} | {measured} | {(met ? "pass" : "FAIL")} | {string.Join(", ", load.Split(' ').Take(3))} |");
        }
    }

    /// <summary>The report's statement as it reads the mart: every check but SourceMismatch, and the mart's tests; literals, one part.</summary>
    private static string MartReportSql() => CoverageQueries.ReportSql(
        CoverageChecks.All.Where(c => !c.NeedsSource).Concat(MartChecks.All).ToArray(),
        new CoverageSql(new CoverageScope(), SqlStyle.Literals, fromMart: true));

    /// <summary>The report's coverage and findings, the mart's own tests left out (they exist only with the mart).</summary>
    private static string Report(DatabaseTarget database)
    {
        CoverageReport report = CoverageAnalyzer.Run(database, new CoverageScope());
        return JsonSerializer.Serialize(new { report.Coverage, Findings = report.Findings.Where(f => !f.Check.StartsWith("Mart", StringComparison.Ordinal)).ToList() });
    }

    private static bool MartEqualsDocuments(DatabaseTarget database)
    {
        CoverageReport report = CoverageAnalyzer.Run(database, new CoverageScope());
        return !report.Findings.Any(f => f.Check.StartsWith("Mart", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs of the whole backfill (import, convert, write), without the mart (its triggers disabled, which costs what no
    /// trigger costs) and with it, in turn, so the machine's load falls on both alike. Before each run the documents are
    /// emptied again (not timed), so every run writes every document.
    /// </summary>
    private static ((List<double> Without, List<double> With) Process, (List<double> Without, List<double> With) Whole, (List<double> Without, List<double> With) Writes) Backfills(
        string connectionString, DatabaseTarget database, string[] workbooks, string list, int runs)
    {
        var process = (Without: new List<double>(), With: new List<double>());
        var whole = (Without: new List<double>(), With: new List<double>());
        var writes = (Without: new List<double>(), With: new List<double>());
        for (int run = 0; run <= runs; run++)
        {
            foreach (bool enabled in WithoutThenWith)
            {
                Reset(connectionString, enabled);
                var stopwatch = Stopwatch.StartNew();
                IReadOnlyList<CommunityDocument> documents = BackfillBenchmark.Documents(workbooks);
                var writing = Stopwatch.StartNew();
                Write(database, documents.GroupBy(d => (DateTime)d.Period).ToDictionary(g => g.Key, g => g.ToList()));
                double writeMs = writing.Elapsed.TotalMilliseconds;
                double wholeMs = stopwatch.Elapsed.TotalMilliseconds;
                Reset(connectionString, enabled);
                var child = Stopwatch.StartNew();
                BackfillBenchmark.RunChild(connectionString, list);
                double processMs = child.Elapsed.TotalMilliseconds;
                if (run > 0)
                {
                    // The first pair warms up (JIT, caches) and is not counted.
                    (enabled ? whole.With : whole.Without).Add(wholeMs);
                    (enabled ? writes.With : writes.Without).Add(writeMs);
                    (enabled ? process.With : process.Without).Add(processMs);
                }
            }
        }

        return (process, whole, writes);
    }

    /// <summary>Empties the documents again (the mart with them, through its triggers), then leaves the triggers on or off.</summary>
    private static void Reset(string connectionString, bool enabled)
    {
        Execute(connectionString, string.Join(";", MartSql.TriggerNames.Select(t => $"ALTER TABLE trust_metrics ENABLE TRIGGER {t}")) + ";UPDATE trust_metrics SET community_data = NULL WHERE data_type = 'monthly'");
        if (!enabled)
        {
            Execute(connectionString, string.Join(";", MartSql.TriggerNames.Select(t => $"ALTER TABLE trust_metrics DISABLE TRIGGER {t}")));
        }
    }

    private static void Write(DatabaseTarget database, Dictionary<DateTime, List<CommunityDocument>> months)
    {
        var writer = new TrustMetricsWriter(database, new TrustMetricsWriteOptions());
        try
        {
            writer.PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
            foreach (var (month, documents) in months.OrderBy(m => m.Key))
            {
                writer.WriteMonthAsync(month, documents, CancellationToken.None).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// The least a mart kept in step after each statement must do for the backfill's months, whatever its design: read every
    /// band of every service out of the month's documents (jsonb_each, jsonb_to_record: the cheapest way there is in SQL),
    /// and insert the month's fact rows into a table like the fact (same columns and index; rolled back). Summed over the
    /// months, median of <paramref name="runs"/>.
    /// </summary>
    private static double Floor(string connectionString, int runs)
    {
        string record = string.Join(", ", MartSql.BandColumns.Select(c => c + " bigint"));
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var create = new NpgsqlCommand($"DROP TABLE IF EXISTS mart_floor_scratch; CREATE TABLE mart_floor_scratch (LIKE {MartSql.Fact} INCLUDING INDEXES)", connection))
        {
            create.ExecuteNonQuery();
        }

        var periods = new List<DateTime>();
        using (var list = new NpgsqlCommand("SELECT DISTINCT period FROM trust_metrics WHERE data_type = 'monthly' AND community_data IS NOT NULL ORDER BY 1", connection))
        using (NpgsqlDataReader reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                periods.Add(reader.GetDateTime(0));
            }
        }

        string read = $"""
            SELECT count(*), sum(r.total_waiting)
            FROM trust_metrics t
            CROSS JOIN LATERAL (VALUES (t.community_data -> 'adult_services'), (t.community_data -> 'cyp_services')) AS c(section)
            CROSS JOIN LATERAL jsonb_each(c.section) AS e
            CROSS JOIN LATERAL jsonb_to_record(e.value) AS r({record})
            WHERE t.data_type = 'monthly' AND t.period = @period
            """;
        string insert = $"INSERT INTO mart_floor_scratch SELECT * FROM {MartSql.Fact} WHERE data_type = 'monthly' AND period = @period";
        var totals = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            var stopwatch = new Stopwatch();
            foreach (DateTime period in periods)
            {
                using NpgsqlTransaction transaction = connection.BeginTransaction();
                foreach (string sql in new[] { read, insert })
                {
                    using var command = new NpgsqlCommand(sql, connection, transaction);
                    command.Parameters.AddWithValue("period", period);
                    stopwatch.Start();
                    command.ExecuteNonQuery();
                    stopwatch.Stop();
                }

                transaction.Rollback();
            }

            if (run > 0)
            {
                // The first run warms the caches and is not counted.
                totals.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        using (var drop = new NpgsqlCommand("DROP TABLE mart_floor_scratch", connection))
        {
            drop.ExecuteNonQuery();
        }

        return Median(totals);
    }

    private static (double Median, string Result) Measure(Func<string> step, int runs)
    {
        string result = step(); // warm-up: JIT and the server's caches
        var times = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            result = step();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return (Median(times), result);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        command.ExecuteNonQuery();
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
