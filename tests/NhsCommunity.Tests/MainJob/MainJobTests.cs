using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.MainJob;

/// <summary>
/// The README's main job end to end, as a process: the generated workbooks backfilled into a database
/// (a test database, then the program's own server), checked against the workbooks themselves.
/// </summary>
public sealed partial class MainJobTests
{
    [SkippableFact]
    public void Generated_backfill_into_a_given_database_fills_every_trust_month_and_a_second_run_changes_nothing()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("mainjob");
        using var workbooks = new TempDirectory();

        ProcessResult first = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

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
            .Select(r => (r.OrganisationCode, r.Period))
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

        Assert.Contains($"{trustMonths.Count} updated, 0 unchanged", first.Output, StringComparison.Ordinal);
        Assert.Contains("Coverage checks passed.", first.Output, StringComparison.Ordinal);
        string before = Scalar<string>(connection, "SELECT string_agg(xmin::text || ' ' || t::text, E'\\n' ORDER BY id) FROM trust_metrics t");

        ProcessResult second = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"0 updated, {trustMonths.Count} unchanged", second.Output, StringComparison.Ordinal);
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

        ProcessResult result = DemoProcess.Run(["-Path", RepositoryPaths.RealWorkbookDirectory, "-ConnectionString", connectionString, "-CompareWithWorkbooks"]);

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
            .Select(r => (r.OrganisationCode, r.Period))
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

        ProcessResult result = DemoProcess.Run(["-DataDirectory", data, "-WorkbookDirectory", folder.File("generated"), "-CompareWithWorkbooks"]);

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

        ProcessResult result = DemoProcess.Run(["-ConnectionString", connectionString, "-WorkbookDirectory", workbooks.Path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds 1 row(s) of other trusts", result.Error, StringComparison.Ordinal);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Assert.Equal(1L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics"));
        Assert.Equal(0L, Scalar<long>(connection, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));
    }

    [Fact]
    public void Without_PostgreSQL_it_says_how_to_install_it()
    {
        using var empty = new TempDirectory();

        ProcessResult result = DemoProcess.Run([], new Dictionary<string, string?> { ["NHSCOMMUNITY_PG_BIN"] = empty.Path });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sudo apt-get install postgresql", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        ProcessResult result = DemoProcess.Run(["-Nonsense"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option '-Nonsense'", result.Error, StringComparison.Ordinal);
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
