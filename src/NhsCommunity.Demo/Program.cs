using System.Diagnostics;
using System.Globalization;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Fixtures;
using Npgsql;

namespace NhsCommunity.Demo;

/// <summary>
/// The README's main job: a local PostgreSQL (or the user's database), trust_metrics created and seeded,
/// twelve months backfilled with Invoke-CommunityBackfill, the coverage printed, the server stopped.
/// </summary>
internal static class Program
{
    /// <summary>The local databases: one for the generated (synthetic) workbooks, one for the user's own, so they never mix.</summary>
    private const string GeneratedDatabase = "nhscommunity";

    private const string WorkbooksDatabase = "nhscommunity_workbooks";

    /// <summary>The twelve generated months: August 2024 to July 2025, which span both layout changes (52+ split, extra note row).</summary>
    private static readonly DateTime FirstGeneratedMonth = new(2024, 8, 1);

    private static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the run stop cleanly: the pipeline stops and the server is still shut down.
            e.Cancel = true;
            cancellation.Cancel();
        };

        DemoOptions options;
        try
        {
            options = DemoOptions.Parse(args);
        }
        catch (DemoUsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(DemoOptions.Usage);
            return 2;
        }

        try
        {
            if (options.Help)
            {
                Console.WriteLine(DemoOptions.Usage);
                return 0;
            }

            return Run(options, Console.Out, Console.Error, cancellation.Token);
        }
        catch (DemoUsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Exception e) when (e is OperationCanceledException || cancellation.IsCancellationRequested)
        {
            // Ctrl+C: whatever the engine threw while stopping, the run was stopped (and the server with it).
            Console.Error.WriteLine("Stopped.");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // A server that would not start, a folder that cannot be written: the message says which.
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static int Run(DemoOptions options, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string root = RepositoryLocator.FindRoot();
        string stateDirectory = Path.Combine(root, ".nhscommunity");
        string? connectionString = options.ConnectionString ?? NullIfEmpty(Environment.GetEnvironmentVariable(DatabaseConnection.EnvironmentVariable));

        // Everything the command line names is checked before a server is started.
        bool generated = options.Paths.Count == 0;
        IReadOnlyList<string> userWorkbooks = options.CheckPaths();
        if (options.Fresh && connectionString is not null)
        {
            throw new DemoUsageException("-Fresh starts the program's own local database afresh; it never empties a database given with -ConnectionString or NHSCOMMUNITY_CONNECTION.");
        }

        LocalPostgresServer? server = null;
        try
        {
            string? local = null;
            if (connectionString is null)
            {
                server = StartServer(options.DataDirectory ?? Path.Combine(stateDirectory, "postgres"), output);
                local = generated ? GeneratedDatabase : WorkbooksDatabase;
                connectionString = EnsureDatabase(server, local, options.Fresh, output);
            }

            using DatabaseTarget database = Resolve(connectionString);
            output.WriteLine($"Database: {database.Description}");
            if (server is not null && !generated)
            {
                output.WriteLine($"  your workbooks have a local database of their own, '{WorkbooksDatabase}' (the generated ones use '{GeneratedDatabase}')");
            }

            // What to do when the table holds the other kind of data: the local database can start afresh, a given one is the user's.
            string remedy = server is null
                ? "Use a database without them."
                : $"Start afresh with -Fresh (it drops the local database '{local}' in {server.DataDirectory} and creates it again), or give another folder with -DataDirectory.";
            IReadOnlyList<string> workbooks = generated
                ? Generate(options.WorkbookDirectory ?? Path.Combine(stateDirectory, "generated"), output)
                : userWorkbooks;

            var seeder = new TrustSeeder(database);
            seeder.CreateTableAsync(cancellationToken).GetAwaiter().GetResult();
            bool addMissingRows = generated
                ? SeedSynthetic(seeder, database.Description, remedy, output, cancellationToken)
                : SeedForRealWorkbooks(seeder, options, root, database.Description, remedy, ownServer: server is not null, output, cancellationToken);

            output.WriteLine();
            output.WriteLine($"Invoke-CommunityBackfill ({workbooks.Count} {(generated ? "generated " : "")}path(s)):");
            using var module = new ModuleSession(Path.Combine(root, RepositoryLocator.ManifestFileName), output, errors);
            BackfillOutcome? backfill = module.Backfill(workbooks, connectionString, addMissingRows, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (backfill is null)
            {
                errors.WriteLine("The backfill did not run to the end.");
                return 1;
            }

            WriteBackfill(backfill, output);
            bool coveragePassed = WriteCoverage(module, options.CompareWithWorkbooks ? workbooks : null, connectionString, backfill, output, errors, cancellationToken);
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalSeconds:0.0} s."));
            return backfill.ExitCode != 0 || !coveragePassed ? 1 : 0;
        }
        catch (Exception e) when (e is DatabaseUnavailableException or DatabaseConfigurationException or TrustMetricsWriteException or NpgsqlException)
        {
            errors.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            if (server is not null)
            {
                server.Dispose();
                output.WriteLine("Stopped the local PostgreSQL.");
            }
        }
    }

    private static LocalPostgresServer StartServer(string dataDirectory, TextWriter output)
    {
        // NHSCOMMUNITY_PG_BIN is taken as given by the server class: check that it holds the programs.
        if (!LocalPostgresServer.IsInstalled() || !File.Exists(Path.Combine(LocalPostgresServer.FindBinDirectory(), OperatingSystem.IsWindows() ? "initdb.exe" : "initdb")))
        {
            throw new DemoUsageException("""
                PostgreSQL's server programs (initdb, pg_ctl) were not found. Install them:
                    sudo apt-get install postgresql
                or set NHSCOMMUNITY_PG_BIN to the folder holding initdb and pg_ctl, or give a database with
                -ConnectionString 'Host=...;Database=...;Username=...' (or NHSCOMMUNITY_CONNECTION).
                """);
        }

        string data = ServiceUserCanReach(Path.GetFullPath(dataDirectory))
            ? Path.GetFullPath(dataDirectory)
            : Path.Combine(Path.GetTempPath(), "nhscommunity-demo-postgres");
        bool existing = File.Exists(Path.Combine(data, "PG_VERSION"));
        output.WriteLine($"{(existing ? "Starting" : "Initialising and starting")} a local PostgreSQL in {data}");
        try
        {
            var clock = Stopwatch.StartNew();
            LocalPostgresServer server = LocalPostgresServer.Start(data);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  started in {clock.Elapsed.TotalSeconds:0.0} s"));
            return server;
        }
        catch (InvalidOperationException e) when (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            string stop = $"{Path.Combine(LocalPostgresServer.FindBinDirectory(), "pg_ctl")} -D {data} -m fast stop";
            throw new DemoUsageException(
                $"A PostgreSQL server already runs in {data} (an earlier run that was killed?). Stop it with:\n    "
                + (Environment.UserName == "root" ? "runuser -u postgres -- " : "") + stop, e);
        }
    }

    /// <summary>
    /// As root the server runs as the 'postgres' user, who must be able to walk down to the data folder;
    /// a checkout under a private home folder is not reachable, so use a folder under the temp path then.
    /// </summary>
    private static bool ServiceUserCanReach(string dataDirectory)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            return true;
        }

        for (DirectoryInfo? dir = new DirectoryInfo(dataDirectory).Parent; dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && !dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    private static string EnsureDatabase(LocalPostgresServer server, string name, bool fresh, TextWriter output)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString());
        connection.Open();
        if (fresh)
        {
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
            output.WriteLine($"-Fresh: dropped the local database '{name}'; starting afresh");
        }

        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = name });
        if (exists.ExecuteScalar() is null)
        {
            server.CreateDatabase(name);
        }

        return server.ConnectionString(name);
    }

    private static DatabaseTarget Resolve(string connectionString)
    {
        try
        {
            return DatabaseTarget.Resolve(connectionString);
        }
        catch (DatabaseConfigurationException e)
        {
            throw new DemoUsageException(e.Message, e);
        }
    }

    private static List<string> Generate(string directory, TextWriter output)
    {
        output.WriteLine($"Using 12 generated workbooks (synthetic data in the real layout) in {directory}");

        // The same generator build always writes the same files: reuse them when it wrote them.
        string marker = Path.Combine(directory, ".generator");
        string generator = typeof(SyntheticHistory).Assembly.ManifestModule.ModuleVersionId.ToString();
        List<string> expected = Enumerable.Range(0, 12)
            .Select(i => Path.Combine(directory, new WorkbookSpec(FirstGeneratedMonth.AddMonths(i)).FileName))
            .ToList();
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == generator && expected.All(File.Exists))
        {
            output.WriteLine("  reused from the last run");
            return expected;
        }

        if (Directory.Exists(directory))
        {
            // Only the generator's own files: a folder the user pointed elsewhere keeps its other content.
            foreach (string old in Directory.EnumerateFiles(directory, "*.xlsx"))
            {
                File.Delete(old);
            }
        }

        var clock = Stopwatch.StartNew();
        List<string> paths = SyntheticHistory.Write(directory, FirstGeneratedMonth, 12).ToList();
        File.WriteAllText(marker, generator);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  written in {clock.Elapsed.TotalSeconds:0.0} s"));
        return paths;
    }

    /// <summary>Seeds the synthetic NHS trusts; returns false (no rows to add during the backfill).</summary>
    private static bool SeedSynthetic(TrustSeeder seeder, string database, string remedy, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlyList<SyntheticProvider> trusts = SyntheticProviders.NhsTrusts;
        long foreign = seeder.CountForeignRowsAsync(trusts, cancellationToken).GetAwaiter().GetResult();
        if (foreign > 0)
        {
            throw new DemoUsageException(
                $"trust_metrics in {database} already holds {foreign} row(s) of other trusts: the generated workbooks would put synthetic data beside them. "
                + remedy);
        }

        DateTime[] months = Enumerable.Range(0, 12).Select(FirstGeneratedMonth.AddMonths).ToArray();
        int inserted = seeder.SeedSyntheticAsync(trusts, months, cancellationToken).GetAwaiter().GetResult();
        output.WriteLine(inserted > 0
            ? $"trust_metrics: seeded {trusts.Count} synthetic NHS trusts x 12 months ({inserted} rows with trust name, ICB and rtt_data)"
            : $"trust_metrics: the {trusts.Count} synthetic NHS trusts x 12 months are already there");
        return false;
    }

    /// <summary>
    /// For the user's own workbooks: their database already has its rows. A local database gets the rows of
    /// a trust_metrics CSV export when one is given (or lies beside the checkout); otherwise the backfill
    /// adds a row for each NHS trust it finds (returns true).
    /// </summary>
    private static bool SeedForRealWorkbooks(
        TrustSeeder seeder, DemoOptions options, string root, string database, string remedy, bool ownServer, TextWriter output, CancellationToken cancellationToken)
    {
        long synthetic = seeder.CountSyntheticRowsAsync(SyntheticProviders.NhsTrusts, cancellationToken).GetAwaiter().GetResult();
        if (synthetic > 0)
        {
            throw new DemoUsageException(
                $"trust_metrics in {database} holds {synthetic} row(s) of the generated (synthetic) trusts: your workbooks' figures would land beside synthetic data. "
                + remedy);
        }

        if (!ownServer)
        {
            return false;
        }

        string? csv = options.TrustsCsv ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "trust_metrics_fixture.csv"));
        if (!File.Exists(csv))
        {
            output.WriteLine("trust_metrics: no trust list given; the backfill adds a row for each NHS trust in the workbooks (-AddMissingRows)");
            return true;
        }

        if (seeder.CountRowsAsync(cancellationToken).GetAwaiter().GetResult() == 0)
        {
            long rows = seeder.LoadCsvAsync(csv, cancellationToken).GetAwaiter().GetResult();
            output.WriteLine($"trust_metrics: loaded {rows} rows from {Path.GetFileName(csv)}");
        }

        return false;
    }

    private static void WriteBackfill(BackfillOutcome backfill, TextWriter output)
    {
        string months = backfill.Months.Count == 0 ? "no months" : $"{backfill.Months.Min():yyyy-MM} to {backfill.Months.Max():yyyy-MM}";
        int written = backfill.TrustsUpdated + backfill.TrustsInserted;
        string writes = written == 0
            ? $"nothing written, every document was already stored as it is ({backfill.MonthsWritten} months checked, {backfill.MonthsFailed} failed)"
            : $"{written} documents written ({backfill.MonthsWritten} months checked, {backfill.MonthsFailed} failed)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Backfill: {backfill.FilesRead} files read ({months}), {backfill.FilesFailed} failed; {writes}; {backfill.Duration.TotalSeconds:0.0} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  trusts: {backfill.TrustsUpdated} updated, {backfill.TrustsUnchanged} unchanged, {backfill.TrustsInserted} inserted, {backfill.TrustsNotInDatabase} not in trust_metrics; "
            + $"{backfill.NonNhsProviders} non-NHS providers left out; {backfill.TrustsNotInWorkbooks} trusts in no workbook"));
        foreach (string failure in backfill.Failures)
        {
            output.WriteLine("  FAILED: " + failure);
        }
    }

    private static bool WriteCoverage(
        ModuleSession module, IReadOnlyList<string>? workbooks, string connectionString, BackfillOutcome backfill, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (backfill.Months.Count == 0)
        {
            return backfill.FilesRead > 0;
        }

        DateTime from = backfill.Months.Min();
        DateTime to = backfill.Months.Max();
        output.WriteLine();
        output.WriteLine($"Test-CommunityCoverage {from:yyyy-MM} to {to:yyyy-MM}{(workbooks is null ? "" : ", stored numbers compared with the workbooks")}:");
        var clock = Stopwatch.StartNew();
        int errorsBefore = module.ErrorCount;
        CoverageReport? report = module.Coverage(from, to, workbooks, connectionString, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (report is null)
        {
            errors.WriteLine("Test-CommunityCoverage returned no report.");
            return false;
        }

        CoverageTable.Write(report, output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({clock.Elapsed.TotalSeconds:0.0} s)"));

        // An error while checking (an unreadable workbook) means the report is incomplete: fail the run.
        return report.Passed && module.ErrorCount == errorsBefore;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
