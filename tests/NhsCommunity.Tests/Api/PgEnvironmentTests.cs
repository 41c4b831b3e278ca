using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// The standard PG* variables, and libpq's defaults for what they leave out, against a real server: the
/// settings are built from the variables alone, and the child-process test has nothing else set.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class PgEnvironmentTests : IClassFixture<ApiDatabase>
{
    private readonly ApiDatabase _database;

    public PgEnvironmentTests(ApiDatabase database) => _database = database;

    private Dictionary<string, string> OnlyPgVariables() => new()
    {
        ["PGHOST"] = "127.0.0.1",
        ["PGPORT"] = TestPostgres.Instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PGDATABASE"] = new NpgsqlConnectionStringBuilder(_database.ConnectionString).Database!,
        ["PGUSER"] = "postgres",
        ["PGPASSWORD"] = "not-needed-with-trust",
        ["PGSSLMODE"] = "disable",
    };

    [SkippableFact]
    public void Settings_from_the_PG_variables_alone_reach_the_server()
    {
        Dictionary<string, string> variables = OnlyPgVariables();
        var settings = new NpgsqlConnectionStringBuilder();
        PgEnvironment.Apply(settings, name => variables.GetValueOrDefault(name));

        Assert.Equal("127.0.0.1", settings.Host);
        Assert.Equal(TestPostgres.Instance.Port, settings.Port);
        Assert.Equal(SslMode.Disable, settings.SslMode);
        Assert.Equal("not-needed-with-trust", settings.Password);
        Assert.Equal($"postgres@127.0.0.1:{TestPostgres.Instance.Port}/{variables["PGDATABASE"]}", DatabaseConnection.Describe(settings));
        Assert.Equal($"postgres {variables["PGDATABASE"]} 18", Scalar(settings, "SELECT current_user || ' ' || current_database() || ' ' || count(*) FROM trust_metrics"));
    }

    [SkippableFact]
    public void Without_PGHOST_the_local_servers_socket_is_used_as_libpq_does()
    {
        string database = new NpgsqlConnectionStringBuilder(_database.ConnectionString).Database!;
        var variables = new Dictionary<string, string>
        {
            ["PGPORT"] = TestPostgres.Instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = "postgres",
            ["PGDATABASE"] = database,
        };
        var settings = new NpgsqlConnectionStringBuilder();

        // The test server puts its socket in its data folder; a folder without one is passed over.
        PgEnvironment.Apply(settings, name => variables.GetValueOrDefault(name), [Path.GetTempPath(), TestPostgres.Instance.DataDirectory]);

        Assert.Equal(TestPostgres.Instance.DataDirectory, settings.Host);
        Assert.Equal($"postgres {database}", Scalar(settings, "SELECT current_user || ' ' || current_database()"));
    }

    [Fact]
    public void Without_PGUSER_and_PGDATABASE_the_user_is_the_OS_user_and_the_database_is_named_after_the_user()
    {
        var settings = new NpgsqlConnectionStringBuilder();
        PgEnvironment.Apply(settings, name => name == "PGHOST" ? "db.example.org" : null, []);

        Assert.Equal("db.example.org", settings.Host);
        Assert.Equal(5432, settings.Port);
        Assert.Equal(Environment.UserName, settings.Username);
        Assert.Equal(Environment.UserName, settings.Database);
    }

    [Fact]
    public void With_no_variable_and_no_socket_the_host_is_localhost()
    {
        var settings = new NpgsqlConnectionStringBuilder();
        PgEnvironment.Apply(settings, _ => null, []);
        Assert.Equal("localhost", settings.Host);
    }

    [Fact]
    public void The_connection_string_wins_over_the_variables()
    {
        var settings = new NpgsqlConnectionStringBuilder("Host=db.example.org;Port=6000;Username=loader;SSL Mode=VerifyFull");
        var variables = new Dictionary<string, string> { ["PGHOST"] = "other", ["PGPORT"] = "7000", ["PGUSER"] = "someone", ["PGSSLMODE"] = "disable", ["PGDATABASE"] = "nhs" };
        PgEnvironment.Apply(settings, name => variables.GetValueOrDefault(name), []);

        Assert.Equal("loader@db.example.org:6000/nhs", DatabaseConnection.Describe(settings));
        Assert.Equal(SslMode.VerifyFull, settings.SslMode);
    }

    [Theory]
    [InlineData("PGPORT", "54x2", "PGPORT is '54x2', which is not a port number")]
    [InlineData("PGSSLMODE", "sometimes", "PGSSLMODE is 'sometimes', which is not an SSL mode")]
    public void A_bad_variable_is_refused_naming_it(string name, string value, string message)
    {
        var e = Assert.Throws<DatabaseConfigurationException>(() => PgEnvironment.Apply(new NpgsqlConnectionStringBuilder(), n => n == name ? value : null, []));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PGSSLMODE_in_libpq_spelling_is_understood()
    {
        var settings = new NpgsqlConnectionStringBuilder();
        PgEnvironment.Apply(settings, n => n switch { "PGHOST" => "db.example.org", "PGSSLMODE" => "verify-full", _ => null }, []);
        Assert.Equal(SslMode.VerifyFull, settings.SslMode);
    }

    /// <summary>The issue as reported: pwsh with only PG* set, every database cmdlet used to fail on a null Host.</summary>
    [SkippableFact]
    public void In_pwsh_with_only_PG_variables_the_database_cmdlets_work()
    {
        string connectionString = _database.ConnectionString;
        Skip.IfNot(PwshProcess.IsAvailable, PwshProcess.NotInstalledReason);

        PwshResult result = PwshProcess.Run("""
            "rows=$(@(Get-CommunityWaitingList -TrustCode R02).Count)"
            $report = Test-CommunityCoverage -From 2024-08 -To 2024-10
            "coverage=$($report.Rows) passed=$($report.Passed)"
            "mapped=$(@(Get-TrustMapping -InputObject @() | Where-Object Status -eq 'InDatabaseNotInWorkbooks').Count)"
            """, OnlyPgVariables());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["rows=3", "coverage=18 passed=True", "mapped=6"], result.Lines);
        Assert.DoesNotContain("not-needed-with-trust", result.ToString(), StringComparison.Ordinal);
        GC.KeepAlive(connectionString);
    }

    private static string Scalar(NpgsqlConnectionStringBuilder settings, string sql)
    {
        using var connection = new NpgsqlConnection(settings.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
