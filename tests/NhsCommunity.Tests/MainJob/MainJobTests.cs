using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Database;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.MainJob;

/// <summary>
/// The README's main job end to end, as a process: the generated workbooks backfilled into a database
/// (a test database, then the program's own server), checked against the workbooks themselves.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Process")]
[Trait("Category", "RealData")]
public sealed partial class MainJobTests
{
    [SkippableFact]
    public void Generated_backfill_into_a_given_database_fills_every_trust_month_and_a_second_run_changes_nothing()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("mainjob");
        using var workbooks = new TempDirectory();

        DemoResult first = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Using 12 generated workbooks (synthetic data in the real layout)", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("local PostgreSQL", first.Output, StringComparison.Ordinal);

        // Oracle: the NHS trusts with records in each generated workbook, read back from the files.
        string[] files = Directory.GetFiles(workbooks.Path, "*.xlsx");
        Assert.Equal(12, files.Length);
        var importer = new WorkbookImporter();
        var trustMonths = files
            .SelectMany(f => importer.Read(f, CancellationToken.None).Records)
            .Where(r => r.OrganisationType == OrganisationType.Provider && TrustCodes.IsNhsTrust(r.OrganisationCode))
            .Select(r => (r.OrganisationCode, Period: r.Period.ToDateTime()))
            .ToHashSet();

        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Assert.Equal(SyntheticProviders.NhsTrusts.Count * 12L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics"));
        Assert.Equal(12L, Scalar<long>(connection, "SELECT count(DISTINCT period) FROM trust_metrics"));
        Assert.Equal(0L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics WHERE rtt_data IS NULL OR icb_code IS NULL"));
        var withData = new HashSet<(string, DateTime)>();
        using (var command = new NpgsqlCommand("SELECT trust_code, period FROM trust_metrics WHERE community_data IS NOT NULL", connection))
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                withData.Add((reader.GetString(0), reader.GetDateTime(1)));
            }
        }

        Assert.Equal(trustMonths.OrderBy(t => t).ToArray(), withData.OrderBy(t => t).ToArray());

        // The printed coverage: one line a month whose trusts and trusts-with-data match the table.
        var printed = CoverageLine().Matches(first.Output).ToDictionary(
            m => DateTime.ParseExact(m.Groups["month"].Value, "yyyy-MM", CultureInfo.InvariantCulture),
            m => (Trusts: int.Parse(m.Groups["trusts"].Value, CultureInfo.InvariantCulture), WithData: int.Parse(m.Groups["data"].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(12, printed.Count);
        foreach (var (month, line) in printed)
        {
            Assert.Equal(SyntheticProviders.NhsTrusts.Count, line.Trusts);
            Assert.Equal(trustMonths.Count(t => t.Period == month), line.WithData);
        }

        Assert.Contains($"; {trustMonths.Count} documents written (12 months checked, 0 failed);", first.Output, StringComparison.Ordinal);
        Assert.Contains($"{trustMonths.Count} updated, 0 unchanged", first.Output, StringComparison.Ordinal);
        Assert.Contains("Coverage checks passed.", first.Output, StringComparison.Ordinal);
        string before = Scalar<string>(connection, "SELECT string_agg(xmin::text || ' ' || t::text, E'\\n' ORDER BY id) FROM trust_metrics t");

        DemoResult second = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"0 updated, {trustMonths.Count} unchanged", second.Output, StringComparison.Ordinal);
        Assert.Contains("; nothing written, every document was already stored as it is (12 months checked, 0 failed);", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("documents written", second.Output, StringComparison.Ordinal);
        Assert.Contains("already there", second.Output, StringComparison.Ordinal);
        Assert.Equal(before, Scalar<string>(connection, "SELECT string_agg(xmin::text || ' ' || t::text, E'\\n' ORDER BY id) FROM trust_metrics t"));
    }

    [SkippableFact]
    public void Real_workbooks_given_with_Path_are_backfilled_into_the_users_database_and_match_their_cells()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("mainjob_real");

        DemoResult result = DemoProcess.Run(["-Path", RepositoryPaths.RealWorkbookDirectory, "-ConnectionString", connectionString, "-CompareWithWorkbooks"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("generated", result.Output, StringComparison.Ordinal);
        Assert.True(result.Output.Contains("13 checks: 0 errors", StringComparison.Ordinal), result.ToString());

        // Oracle: the NHS trusts in the real workbooks that the user's table has rows for.
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var rows = new HashSet<(string, DateTime)>();
        using (var command = new NpgsqlCommand("SELECT trust_code, period FROM trust_metrics", connection))
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetDateTime(1)));
            }
        }

        var importer = new WorkbookImporter();
        int expected = Directory.GetFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .SelectMany(f => importer.Read(f, CancellationToken.None).Records)
            .Where(r => r.OrganisationType == OrganisationType.Provider && TrustCodes.IsNhsTrust(r.OrganisationCode))
            .Select(r => (r.OrganisationCode, Period: r.Period.ToDateTime()))
            .Distinct()
            .Count(rows.Contains);
        Assert.True(expected > 0);
        Assert.Equal((long)expected, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));
        Assert.Contains($"trusts: {expected} updated", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void With_no_database_given_it_runs_its_own_server_and_leaves_none_running()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        string data = folder.File("postgres");

        DemoResult result = DemoProcess.Run(["-DataDirectory", data, "-WorkbookDirectory", folder.File("generated"), "-CompareWithWorkbooks"]);

        Assert.True(result.ExitCode == 0, result.ToString());

        // Every stored number was compared with its workbook cell (SourceMismatch) and no check found an error.
        Assert.Contains("stored numbers compared with the workbooks", result.Output, StringComparison.Ordinal);
        Assert.True(result.Output.Contains("13 checks: 0 errors", StringComparison.Ordinal), result.ToString());
        Assert.Contains("Coverage checks passed.", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Initialising and starting a local PostgreSQL in {data}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Stopped the local PostgreSQL.", result.Output, StringComparison.Ordinal);
        Assert.Equal(12, CoverageLine().Count(result.Output));
        Assert.True(File.Exists(Path.Combine(data, "PG_VERSION")), "the data folder is kept for the next run");
        Assert.False(File.Exists(Path.Combine(data, "postmaster.pid")), "the server was stopped");
        Assert.Empty(ProcessesMentioning(data));
    }

    [SkippableFact]
    public void Generated_workbooks_are_refused_for_a_table_that_holds_other_trusts()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("mainjob_refuse");
        TrustMetricsFixtureLoader.LoadSynthetic(connectionString, [("RXX", "A REAL NHS TRUST")], [new DateTime(2024, 8, 1)]);
        using var workbooks = new TempDirectory();

        DemoResult result = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds 1 row(s) of other trusts", result.Error, StringComparison.Ordinal);
        AssertUntouched(connectionString);
    }

    [Fact]
    public void Without_PostgreSQL_it_says_how_to_install_it()
    {
        using var empty = new TempDirectory();

        DemoResult result = DemoProcess.Run([], new Dictionary<string, string?> { ["NHSCOMMUNITY_PG_BIN"] = empty.Path });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sudo apt-get install postgresql", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-Nonsense", "Unknown option '-Nonsense'.")]
    [InlineData("-Path", "Option '-Path' needs a value.")]
    public void A_bad_option_prints_the_usage(string argument, string message)
    {
        DemoResult result = DemoProcess.Run([argument]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message + "\n\nUsage: dotnet run --project src/NhsCommunity.Demo -c Release [-- options]\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  -Fresh ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    /// <summary>Each bad path is refused, naming it, before a server is started or a folder made.</summary>
    [Fact]
    public void Paths_are_checked_before_a_server_is_started()
    {
        using var folder = new TempDirectory();
        string data = folder.File("postgres");
        string missing = folder.File("missing.xlsx");
        string empty = Directory.CreateDirectory(folder.File("empty")).FullName;
        string workbook = folder.File("Community-health-services-waiting-lists-2024-25-August.xlsx");
        File.WriteAllText(workbook, "never read");
        string aFile = folder.File("a-file");
        File.WriteAllText(aFile, "");

        var cases = new (string[] Arguments, string Message)[]
        {
            (["-Path", missing], $"-Path: '{missing}' does not exist."),
            (["-Path", empty], $"-Path: the folder '{empty}' holds no .xlsx workbooks."),
            (["-Path", workbook, "-Trusts", folder.File("trusts.csv")], $"-Trusts: '{folder.File("trusts.csv")}' does not exist."),
            (["-Trusts", aFile], "-Trusts seeds trust_metrics for your own workbooks: give them with -Path (the generated workbooks seed their own trusts)."),
            (["-Path", workbook, "-WorkbookDirectory", aFile], $"-WorkbookDirectory: '{aFile}' is a file; give a folder (it is created if missing)."),
            (["-Fresh", "-ConnectionString", "Host=127.0.0.1;Port=1;Database=none;Username=nobody"], "-Fresh starts the program's own local database afresh; it never empties a database given with -ConnectionString or NHSCOMMUNITY_CONNECTION."),
        };
        foreach (var (arguments, message) in cases)
        {
            DemoResult result = DemoProcess.Run([.. arguments, "-DataDirectory", data]);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Equal(message, result.Error.Trim());
            Assert.DoesNotContain("PostgreSQL", result.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(data), "no server was started: " + string.Join(' ', arguments));
        }

        DemoResult dataIsFile = DemoProcess.Run(["-DataDirectory", aFile]);
        Assert.Equal(2, dataIsFile.ExitCode);
        Assert.Equal($"-DataDirectory: '{aFile}' is a file; give a folder (it is created if missing).", dataIsFile.Error.Trim());
    }

    [SkippableFact]
    public void Workbooks_given_with_Path_are_refused_by_a_database_that_holds_the_generated_trusts()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("mainjob_synthetic");
        SyntheticProvider trust = SyntheticProviders.NhsTrusts[0];
        TrustMetricsFixtureLoader.LoadSynthetic(connectionString, [(trust.Code, trust.Name)], [new DateTime(2024, 8, 1)]);
        using var workbooks = new TempDirectory();
        SyntheticHistory.Write(workbooks.Path, new DateTime(2024, 8, 1), 1);

        DemoResult result = DemoProcess.Run(["-Path", workbooks.Path, "-ConnectionString", connectionString]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Matches(@"^trust_metrics in \S+/mainjob_synthetic\S* holds 1 row\(s\) of the generated \(synthetic\) trusts: your workbooks' figures would land beside synthetic data\. Use a database without them\.$", result.Error.Trim());
        AssertUntouched(connectionString);
    }

    /// <summary>
    /// The generated run, then the user's real workbooks on the same local server: the real months go into a
    /// database of their own and the synthetic one is untouched. A synthetic database that holds other trusts
    /// (as an older version left it) is refused with the way out, and -Fresh takes it.
    /// </summary>
    [SkippableFact]
    public void Real_workbooks_after_a_generated_run_get_their_own_local_database_and_Fresh_starts_a_mixed_one_afresh()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        string data = folder.File("postgres");
        string[] local = ["-DataDirectory", data, "-WorkbookDirectory", folder.File("generated")];

        DemoResult generated = DemoProcess.Run(local);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        Assert.Matches(@"Database: \S+/nhscommunity\r?\n", generated.Output);
        string synthetic = SnapshotOf(data, "nhscommunity");

        DemoResult real = DemoProcess.Run(["-Path", RepositoryPaths.RealWorkbookDirectory, .. local]);
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Matches(@"Database: \S+/nhscommunity_workbooks\r?\n", real.Output);
        Assert.Contains("your workbooks have a local database of their own, 'nhscommunity_workbooks' (the generated ones use 'nhscommunity')", real.Output, StringComparison.Ordinal);
        Assert.Equal(synthetic, SnapshotOf(data, "nhscommunity"));
        using (LocalPostgresServer server = LocalPostgresServer.Start(data))
        using (var connection = new NpgsqlConnection(server.ConnectionString("nhscommunity_workbooks")))
        {
            connection.Open();
            Assert.Equal(
                "2024-08-01,2024-12-01,2025-01-01,2025-07-01",
                Scalar<string>(connection, "SELECT string_agg(DISTINCT period::text, ',' ORDER BY period::text) FROM trust_metrics WHERE community_data IS NOT NULL"));
            Assert.Equal(0L, Scalar<long>(connection, $"SELECT count(*) FROM trust_metrics WHERE (trust_code, trust_name) IN ({string.Join(", ", SyntheticProviders.NhsTrusts.Select(t => $"('{t.Code}', '{t.Name}')"))})"));

            // What the old program did: a real trust's row in the synthetic database.
            using var mix = new NpgsqlConnection(server.ConnectionString("nhscommunity"));
            mix.Open();
            using var insert = new NpgsqlCommand("INSERT INTO trust_metrics (trust_code, trust_name, period, data_type) VALUES ('RXX', 'A REAL NHS TRUST', '2020-01-01', 'monthly')", mix);
            insert.ExecuteNonQuery();
        }

        DemoResult refused = DemoProcess.Run(local);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Matches(
            $@"^trust_metrics in \S+/nhscommunity already holds 1 row\(s\) of other trusts: the generated workbooks would put synthetic data beside them\. Start afresh with -Fresh \(it drops the local database 'nhscommunity' in {Regex.Escape(data)} and creates it again\), or give another folder with -DataDirectory\.$",
            refused.Error.Trim());

        DemoResult fresh = DemoProcess.Run(["-Fresh", .. local]);
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Contains("-Fresh: dropped the local database 'nhscommunity'; starting afresh", fresh.Output, StringComparison.Ordinal);
        Assert.Contains("Coverage checks passed.", fresh.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("A REAL NHS TRUST", SnapshotOf(data, "nhscommunity"), StringComparison.Ordinal);
        Assert.Equal(SyntheticProviders.NhsTrusts.Count * 12, SnapshotOf(data, "nhscommunity").Split('\n').Length);
        Assert.Empty(ProcessesMentioning(data));
    }

    /// <summary>Every row of a local database's trust_metrics as text, the server started for the look and stopped.</summary>
    private static string SnapshotOf(string dataDirectory, string database)
    {
        using LocalPostgresServer server = LocalPostgresServer.Start(dataDirectory);
        using var connection = new NpgsqlConnection(server.ConnectionString(database));
        connection.Open();
        return Scalar<string>(connection, "SELECT string_agg(trust_code || ' ' || trust_name || ' ' || period || ' ' || coalesce(md5(community_data::text), '-'), E'\\n' ORDER BY trust_code, period) FROM trust_metrics");
    }

    /// <summary>The refused run wrote nothing: the one seeded row is still the only one, with no document.</summary>
    private static void AssertUntouched(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Assert.Equal(1L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics"));
        Assert.Equal(0L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));
    }

    private static T Scalar<T>(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }

    /// <summary>Processes whose command line names the folder (a server started with -D folder).</summary>
    private static List<string> ProcessesMentioning(string folder) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => Path.Combine(d, "cmdline"))
            .Select(f =>
            {
                try
                {
                    return File.ReadAllText(f).Replace('\0', ' ');
                }
                catch (IOException)
                {
                    return "";
                }
                catch (UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(c => c.Contains(folder, StringComparison.Ordinal))
            .ToList();

    [GeneratedRegex(@"^(?<month>\d{4}-\d{2})\s+(?<trusts>\d+)\s+(?<data>\d+)\s+\d+\s+[\d,]+\s+[\d,]+\s*$", RegexOptions.Multiline)]
    private static partial Regex CoverageLine();
}
