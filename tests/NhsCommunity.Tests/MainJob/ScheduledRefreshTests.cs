using System.Text.RegularExpressions;
using Npgsql;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Tests.Shell;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.MainJob;

/// <summary>
/// examples/Invoke-ScheduledRefresh.ps1 run as a scheduler would: the shell as a process, -NonInteractive
/// -File, against a database seeded with the generated trusts.
/// </summary>
public sealed partial class ScheduledRefreshTests
{
    private static readonly DateTime[] Months = [new(2025, 4, 1), new(2025, 5, 1)];

    private static string Script => Path.Combine(RepositoryPaths.Root, "examples", "Invoke-ScheduledRefresh.ps1");

    [SkippableFact]
    public void A_refresh_writes_the_months_logs_each_step_and_a_rerun_is_unchanged()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        string workbooks = folder.File("chs");
        string log = folder.File(Path.Combine("logs", "refresh.log"));
        IReadOnlyList<string> files = SyntheticHistory.Write(workbooks, Months[0], Months.Length);
        string connectionString = SeededDatabase("refresh") + ";Password=not-for-the-log-5e1f";

        ShellResult first = Refresh(workbooks, log, connectionString);

        Assert.True(first.ExitCode == 0, first.ToString());
        string[] lines = File.ReadAllLines(log);
        Assert.All(lines, line => Assert.Matches(TimestampedLine(), line));
        foreach (string file in files)
        {
            Assert.Contains(lines, l => l.Contains($"Read '{file}'", StringComparison.Ordinal));
        }

        int expected = NhsTrustMonths(files);
        Assert.Contains(lines, l => l.Contains($"trusts {expected} updated, 0 unchanged", StringComparison.Ordinal));
        Assert.EndsWith("Refresh finished: exit 0", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("not-for-the-log", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Equal(expected, CountWithData(connectionString));
        string before = RowVersions(connectionString);

        ShellResult second = Refresh(workbooks, log, connectionString);

        Assert.True(second.ExitCode == 0, second.ToString());
        string[] rerun = File.ReadAllLines(log)[lines.Length..];
        Assert.Contains(rerun, l => l.Contains($"trusts 0 updated, {expected} unchanged", StringComparison.Ordinal));
        Assert.Equal(before, RowVersions(connectionString));
    }

    [SkippableFact]
    public void A_corrupt_workbook_fails_the_run_and_the_log_names_it()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        string workbooks = folder.File("chs");
        string log = folder.File("refresh.log");
        IReadOnlyList<string> files = SyntheticHistory.Write(workbooks, Months[0], 1);
        const string corrupt = "Community-health-services-waiting-lists-2025-26-May.xlsx";
        File.WriteAllText(Path.Combine(workbooks, corrupt), "<html>not a workbook</html>");
        string connectionString = SeededDatabase("refresh_corrupt");

        ShellResult result = Refresh(workbooks, log, connectionString);

        Assert.True(result.ExitCode == 1, result.ToString());
        string[] lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => l.Contains("FAILED: " + corrupt, StringComparison.Ordinal));
        Assert.EndsWith("Refresh finished: exit 1", lines[^1], StringComparison.Ordinal);

        // The good workbook is still written: one bad file fails the run, not the other months.
        Assert.Equal(NhsTrustMonths(files), CountWithData(connectionString));
    }

    [SkippableFact]
    public void An_unreachable_database_fails_the_run_without_logging_the_connection_string()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        string log = folder.File("refresh.log");
        SyntheticHistory.Write(folder.File("chs"), Months[0], 1);

        // A port nothing listens on (the test cluster's, plus one it does not use), with a password.
        int port = TestPostgres.Instance.Port == 65535 ? 65534 : TestPostgres.Instance.Port + 1;
        ShellResult result = Refresh(folder.File("chs"), log, $"Host=127.0.0.1;Port={port};Username=loader;Password=hunter2-secret;Timeout=3", asParameter: true);

        Assert.True(result.ExitCode == 1, result.ToString());
        string text = File.ReadAllText(log);
        Assert.Contains("FAILED: InvokeCommunityBackfillDatabaseUnavailable", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs the script through the shell as a scheduled task would, the database given by NHSCOMMUNITY_CONNECTION
    /// or, <paramref name="asParameter"/>, by -ConnectionString.
    /// </summary>
    private static ShellResult Refresh(string workbooks, string log, string connectionString, bool asParameter = false)
    {
        string[] arguments = ["-NonInteractive", "-File", Script, "-WorkbookFolder", workbooks, "-LogPath", log];
        using ShellProcess shell = ShellProcess.Start(
            asParameter ? [.. arguments, "-ConnectionString", connectionString] : arguments,
            environment: asParameter ? null : new Dictionary<string, string?> { ["NHSCOMMUNITY_CONNECTION"] = connectionString });
        shell.Input.Close();
        return shell.WaitForExit();
    }

    private static string SeededDatabase(string purpose)
    {
        string connectionString = TestPostgres.NewDatabase(purpose);
        TrustMetricsFixtureLoader.LoadSynthetic(connectionString, SyntheticProviders.NhsTrusts.Select(t => (t.Code, t.Name)), Months);
        return connectionString;
    }

    /// <summary>The oracle: NHS trust and month pairs with records in the workbooks, read back from the files.</summary>
    private static int NhsTrustMonths(IEnumerable<string> files)
    {
        var importer = new WorkbookImporter();
        return files
            .SelectMany(f => importer.Read(f, CancellationToken.None).Records)
            .Where(r => r.OrganisationType == OrganisationType.Provider && TrustCodes.IsNhsTrust(r.OrganisationCode))
            .Select(r => (r.OrganisationCode, r.Period))
            .Distinct()
            .Count();
    }

    private static int CountWithData(string connectionString) =>
        int.Parse(Scalar(connectionString, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"), System.Globalization.CultureInfo.InvariantCulture);

    private static string RowVersions(string connectionString) =>
        Scalar(connectionString, "SELECT string_agg(xmin::text || ' ' || t::text, E'\\n' ORDER BY id) FROM trust_metrics t");

    private static string Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \S")]
    private static partial Regex TimestampedLine();
}
