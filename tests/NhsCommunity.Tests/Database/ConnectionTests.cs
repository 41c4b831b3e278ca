using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>Connection settings, TLS with a certificate the client verifies, and the backfill through a transaction-mode pooler.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "Process")]
public class ConnectionTests
{
    [Theory]
    [InlineData("Host=db.example.org;Database=postgres;Username=u", null, SslMode.Require)]
    [InlineData("Host=db.example.org;Database=classlist;Username=u", null, SslMode.Require)]
    [InlineData("Host=ssl.example.org;Username=u;Application Name=sslmode-disable", null, SslMode.Require)]
    [InlineData("Host=aws-0-eu-west-2.pooler.supabase.com;Port=6543;Username=postgres.ref", null, SslMode.Require)]
    [InlineData("Host=localhost;Username=u", null, SslMode.Prefer)]
    [InlineData("Host=127.0.0.1;Username=u", null, SslMode.Prefer)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=VerifyFull", null, SslMode.VerifyFull)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=Disable", null, SslMode.Disable)]
    [InlineData("Host=db.example.org;Username=u;sslmode=prefer", null, SslMode.Prefer)]
    [InlineData("Host=db.example.org;Username=u", "disable", SslMode.Disable)]
    [InlineData("Host=db.example.org;Username=u", "verify-full", SslMode.VerifyFull)]
    [InlineData("Host=db.example.org;Username=u", "prefer", SslMode.Prefer)]
    [InlineData("Host=localhost;Username=u", "require", SslMode.Require)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=Require", "disable", SslMode.Require)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=Disable", "verify-full", SslMode.Disable)]
    public void Tls_is_decided_by_the_ssl_mode_key_then_pgsslmode_then_the_host(string connectionString, string? pgSslMode, SslMode expected)
    {
        var environment = Variables(("PGSSLMODE", pgSslMode));
        Assert.Equal(expected, DatabaseConnection.ResolveSettings(connectionString, null, environment).Settings.SslMode);
    }

    [SkippableFact]
    public void The_process_environment_is_what_resolve_reads_by_default()
    {
        // No PGSSLMODE in the test environment: a remote host gets TLS from the process's own settings.
        Skip.If(Environment.GetEnvironmentVariable("PGSSLMODE") is not null);
        Assert.Equal(SslMode.Require, DatabaseConnection.Resolve("Host=db.example.org;Database=classlist;Username=u").SslMode);
    }

    [Fact]
    public void Pghost_pgport_and_pgdatabase_fill_what_the_string_leaves_out_and_a_remote_pghost_gets_tls()
    {
        var environment = Variables(("NHSCOMMUNITY_CONNECTION", "Username=loader"), ("PGHOST", "db.example.org"), ("PGPORT", "6000"), ("PGDATABASE", "nhs"));
        ResolvedConnection resolved = DatabaseConnection.ResolveSettings(null, null, environment);
        Assert.Equal("db.example.org", resolved.Settings.Host);
        Assert.Equal(6000, resolved.Settings.Port);
        Assert.Equal("nhs", resolved.Settings.Database);
        Assert.Equal(SslMode.Require, resolved.Settings.SslMode);
    }

    [Fact]
    public void A_root_certificate_from_pgsslrootcert_the_string_or_the_default_file_makes_a_remote_host_verify_full()
    {
        using var folder = new TempDirectory();
        string root = folder.File("ca.pem");
        File.WriteAllText(root, "not read until connecting");
        string home = folder.File("home");
        Directory.CreateDirectory(Path.Combine(home, ".postgresql"));

        ResolvedConnection fromVariable = DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("PGSSLROOTCERT", root), ("HOME", home)));
        Assert.Equal(SslMode.VerifyFull, fromVariable.Settings.SslMode);
        Assert.Equal(root, fromVariable.Settings.RootCertificate);
        Assert.Equal("TLS: required; the server's certificate and name are verified (VerifyFull) against the root certificate named by PGSSLROOTCERT. Mode from the default for a remote host with a root certificate.", fromVariable.Tls.Describe());

        ResolvedConnection fromString = DatabaseConnection.ResolveSettings($"Host=db.example.org;Username=u;Root Certificate={root}", null, Variables(("HOME", home)));
        Assert.Equal(SslMode.VerifyFull, fromString.Settings.SslMode);

        // Nothing named: no verification until the default file exists, then VerifyFull against it.
        ResolvedConnection none = DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("HOME", home)));
        Assert.Equal(SslMode.Require, none.Settings.SslMode);
        Assert.Equal("TLS: required, but the server's certificate is NOT verified (Require): give a root certificate (Root Certificate, PGSSLROOTCERT or ~/.postgresql/root.crt) to verify it. Mode from the default for a remote host.", none.Tls.Describe());
        File.Copy(root, Path.Combine(home, ".postgresql", "root.crt"));
        ResolvedConnection fromDefault = DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("HOME", home)));
        Assert.Equal(SslMode.VerifyFull, fromDefault.Settings.SslMode);
        Assert.Equal(Path.Combine(home, ".postgresql", "root.crt"), fromDefault.Settings.RootCertificate);

        // As libpq: an explicit Require with a root available verifies the certificate (not the name);
        // a local host is left as it is; an explicit Disable stays off.
        Assert.Equal(SslMode.VerifyCA, DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u;SSL Mode=Require", null, Variables(("PGSSLROOTCERT", root))).Settings.SslMode);
        Assert.Equal(SslMode.Prefer, DatabaseConnection.ResolveSettings("Host=127.0.0.1;Username=u", null, Variables(("PGSSLROOTCERT", root))).Settings.SslMode);
        Assert.Equal(SslMode.Disable, DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("PGSSLROOTCERT", root), ("PGSSLMODE", "disable"))).Settings.SslMode);
    }

    [Fact]
    public void A_named_root_that_does_not_exist_and_an_unknown_pgsslmode_are_configuration_errors()
    {
        string missing = Path.Combine(Path.GetTempPath(), "nhscommunity-no-such-root-" + Guid.NewGuid().ToString("N") + ".pem");
        var noFile = Assert.Throws<DatabaseConfigurationException>(() => DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("PGSSLROOTCERT", missing))));
        Assert.Equal($"PGSSLROOTCERT names '{missing}', which does not exist. Set it to the path of the server's CA certificate (PEM), or unset it.", noFile.Message);

        var badMode = Assert.Throws<DatabaseConfigurationException>(() => DatabaseConnection.ResolveSettings("Host=db.example.org;Username=u", null, Variables(("PGSSLMODE", "always"))));
        Assert.Equal("PGSSLMODE is set to a value libpq does not know: use disable, allow, prefer, require, verify-ca or verify-full, or unset it.", badMode.Message);
    }

    /// <summary>Environment variables for a resolve, none taken from the process (so no test depends on, or changes, the real ones).</summary>
    internal static Func<string, string?> Variables(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_transaction_pooler_port_gets_no_reset_on_close_and_nothing_is_prepared()
    {
        NpgsqlConnectionStringBuilder pooler = DatabaseConnection.Resolve("Host=aws-0-eu-west-2.pooler.supabase.com;Port=6543;Username=postgres.ref");
        Assert.True(pooler.NoResetOnClose);
        Assert.Equal(0, pooler.MaxAutoPrepare);
        Assert.False(DatabaseConnection.Resolve("Host=aws-0-eu-west-2.pooler.supabase.com;Port=5432;Username=postgres.ref").NoResetOnClose);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_quoting_it()
    {
        var e = Assert.Throws<DatabaseConfigurationException>(() => DatabaseConnection.Resolve("Host=x;Password=Sup3rSecret!;Bogus Key=1"));
        Assert.DoesNotContain("Sup3rSecret", e.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_backfill_works_through_pgbouncer_in_transaction_mode()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PgBouncerProcess.IsInstalled, PgBouncerProcess.NotInstalledReason);
        var db = new SyntheticBackfill("pooler_backfill", trusts: 30);
        string database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        string untouched = db.UntouchedColumns();
        string before = db.WholeTable();
        DateTime[] months = SyntheticBackfill.Months;

        using PgBouncerProcess bouncer = PgBouncerProcess.Start(TestPostgres.Instance.Port);
        using DatabaseTarget target = DatabaseTarget.Resolve(bouncer.ConnectionString(database));
        var options = new TrustMetricsWriteOptions { AddMissingRows = true };

        var work = months.Select(m => (m, db.Documents(m, extraTrusts: 1))).ToList();
        TrustMetricsWriteOptions secondRun = options with { RunId = Guid.NewGuid() };

        // Two runs at once through the pooler: the second waits on the lease (its start-up polls are
        // transactions of their own, on whichever server connection the pooler gives) and then runs whole.
        List<MonthWriteOutcome>[] runs = await Task.WhenAll(
            SyntheticBackfill.WriteAsync(target, options, work.Take(2)),
            SyntheticBackfill.WriteAsync(target, secondRun, work.Skip(2)));
        List<MonthWriteOutcome> written = [.. runs[0], .. runs[1]];

        Assert.All(written, o => Assert.Null(o.Failure));
        Assert.All(written, o => Assert.Equal(1, o.RoundTrips));
        Assert.All(written, o => Assert.Equal(db.Trusts.Count, o.Count(TrustMetricsWriteStatus.Updated)));
        Assert.All(written, o => Assert.Equal(1, o.Count(TrustMetricsWriteStatus.Inserted)));
        foreach (var (month, documents) in work)
        {
            Assert.All(db.Matches(month, documents), m => Assert.True(m.Value));
        }

        List<MonthWriteOutcome> again = await SyntheticBackfill.WriteAsync(target, new TrustMetricsWriteOptions(), work);
        Assert.All(again.SelectMany(o => o.Results), r => Assert.Equal(TrustMetricsWriteStatus.Unchanged, r.Status));

        bool firstRanFirst = db.Scalar($"SELECT (SELECT min(id) FROM community_data_history WHERE run_id = '{options.RunId}') < (SELECT min(id) FROM community_data_history WHERE run_id = '{secondRun.RunId}')") == "True";
        BackfillLeaseTests.AssertRunsInSequence(db, firstRanFirst ? options.RunId : secondRun.RunId, firstRanFirst ? secondRun.RunId : options.RunId);

        // Nothing the run set outlives its transactions on the pooled server connections, and the lease is given back.
        // (pg_locks is server-wide: count only this database's, as other tests run at the same time.)
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));

        await new TrustMetricsRestorer(target).RestoreAsync(options.RunId, CancellationToken.None);
        await new TrustMetricsRestorer(target).RestoreAsync(runs[1][0].Results[0].RunId, CancellationToken.None);
        Assert.Equal(before, db.WholeTable());
        Assert.Equal(untouched, db.UntouchedColumns());
    }

    [SkippableFact]
    public void Update_TrustMetrics_writes_through_pgbouncer_with_the_connection_from_the_environment()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PgBouncerProcess.IsInstalled, PgBouncerProcess.NotInstalledReason);
        var db = new SyntheticBackfill("pooler_cmdlet", trusts: 12);
        string database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        using PgBouncerProcess bouncer = PgBouncerProcess.Start(TestPostgres.Instance.Port);
        List<CommunityDocument> documents = [.. db.Documents(SyntheticBackfill.Months[0]), .. db.Documents(SyntheticBackfill.Months[1])];
        using var session = new PowerShellSession();

        // As a scheduled task would run it: the connection in NHSCOMMUNITY_CONNECTION, no -ConnectionString.
        ScriptResult run = session.Run("""
            $env:NHSCOMMUNITY_CONNECTION = $cs
            try { $docs | Update-TrustMetrics -Verbose } finally { $env:NHSCOMMUNITY_CONNECTION = $null }
            """, new Dictionary<string, object?> { ["docs"] = documents, ["cs"] = bouncer.ConnectionString(database) });

        Assert.Empty(run.Errors);
        Assert.Equal(24, run.Output.Count(o => ((TrustMetricsWriteResult)o.BaseObject).Status == TrustMetricsWriteStatus.Updated));
        Assert.Contains(run.Verbose, v => v == $"Database: postgres@127.0.0.1:{bouncer.Port}/{database}");
        Assert.Equal(2, run.Verbose.Count(v => v.Contains("; 1 round trip(s), 1 attempt(s)", StringComparison.Ordinal)));
        Assert.All(db.Matches(SyntheticBackfill.Months[1], documents.Skip(12)), m => Assert.True(m.Value));
    }

    [SkippableFact]
    public async Task A_self_signed_server_certificate_is_verified_and_a_wrong_root_is_refused()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string folder = Path.Combine(Path.GetTempPath(), "nhscommunity-tls-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            string serverCert = Path.Combine(folder, "server.crt"), serverKey = Path.Combine(folder, "server.key");
            string wrongRoot = Path.Combine(folder, "other.crt");
            WriteSelfSigned("localhost", serverCert, serverKey);
            WriteSelfSigned("localhost", wrongRoot, Path.Combine(folder, "other.key"));
            GiveToServiceUser(serverKey);

            using LocalPostgresServer server = LocalPostgresServer.Start(settings: new Dictionary<string, string>
            {
                ["ssl"] = "on",
                ["ssl_cert_file"] = serverCert,
                ["ssl_key_file"] = serverKey,
            });

            string verified = $"Host=localhost;Port={server.Port};Username=postgres;Database=postgres;SSL Mode=VerifyFull;Root Certificate={serverCert}";
            using (DatabaseTarget target = DatabaseTarget.Resolve(verified))
            await using (NpgsqlConnection connection = await target.OpenConnectionAsync(CancellationToken.None))
            await using (var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection))
            {
                Assert.True((bool)(await command.ExecuteScalarAsync())!);
            }

            string wrong = $"Host=localhost;Port={server.Port};Username=postgres;Database=postgres;SSL Mode=VerifyFull;Root Certificate={wrongRoot}";
            using DatabaseTarget refused = DatabaseTarget.Resolve(wrong);
            DatabaseUnavailableException e = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => refused.OpenConnectionAsync(CancellationToken.None));
            Assert.StartsWith($"Could not connect to postgres@localhost:{server.Port}/postgres", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_remote_host_with_pgsslrootcert_verifies_the_server_and_a_wrong_root_is_refused()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);

        // "Remote" is any address that is not loopback: this machine's own network address will do.
        IPAddress? address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Skip.If(address is null, "This machine has no IPv4 address other than loopback.");

        using var folder = new TempDirectory();
        string serverCert = folder.File("server.crt"), serverKey = folder.File("server.key"), wrongRoot = folder.File("other.crt");
        WriteSelfSigned("db.test", serverCert, serverKey, address);
        WriteSelfSigned("db.test", wrongRoot, folder.File("other.key"), address);
        GiveToServiceUser(serverKey);

        // Only TLS connections are accepted on the network address, so a plaintext fall-back cannot pass.
        string hba = folder.File("pg_hba.conf");
        File.WriteAllText(hba, $"local all all trust\nhost all all 127.0.0.1/32 trust\nhostssl all all {address}/32 trust\n");
        using LocalPostgresServer server = LocalPostgresServer.Start(settings: new Dictionary<string, string>
        {
            ["ssl"] = "on",
            ["ssl_cert_file"] = serverCert,
            ["ssl_key_file"] = serverKey,
            ["listen_addresses"] = $"127.0.0.1,{address}",
            ["hba_file"] = hba,
        });

        string connectionString = $"Host={address};Port={server.Port};Username=postgres;Database=postgres";
        using (DatabaseTarget target = DatabaseTarget.Resolve(connectionString, null, Variables(("PGSSLROOTCERT", serverCert))))
        {
            Assert.Equal(SslMode.VerifyFull, target.Tls.Mode);
            await using NpgsqlConnection connection = await target.OpenConnectionAsync(CancellationToken.None);
            await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
            Assert.True((bool)(await command.ExecuteScalarAsync())!);
        }

        using DatabaseTarget refused = DatabaseTarget.Resolve(connectionString, null, Variables(("PGSSLROOTCERT", wrongRoot)));
        DatabaseUnavailableException e = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => refused.OpenConnectionAsync(CancellationToken.None));
        Assert.StartsWith($"Could not connect to postgres@{address}:{server.Port}/postgres", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_verbose_stream_says_whether_the_server_certificate_is_verified()
    {
        using var folder = new TempDirectory();
        string root = folder.File("ca.pem");
        File.WriteAllText(root, "read only when connecting");
        using var session = new PowerShellSession();

        // No document comes down the pipe, so the database is resolved but never connected to.
        ScriptResult unverified = session.Run("@() | Update-TrustMetrics -ConnectionString 'Host=db.example.org;Database=classlist;Username=u' -Verbose");
        ScriptResult verified = session.Run("@() | Update-TrustMetrics -ConnectionString $cs -Verbose", new Dictionary<string, object?> { ["cs"] = $"Host=db.example.org;Database=classlist;Username=u;Root Certificate={root}" });

        Assert.Empty(unverified.Errors);
        Assert.Contains("TLS: required, but the server's certificate is NOT verified (Require): give a root certificate (Root Certificate, PGSSLROOTCERT or ~/.postgresql/root.crt) to verify it. Mode from the default for a remote host.", unverified.Verbose);
        Assert.Empty(verified.Errors);
        Assert.Contains("TLS: required; the server's certificate and name are verified (VerifyFull) against the root certificate named by the connection string (Root Certificate). Mode from the default for a remote host with a root certificate.", verified.Verbose);
    }

    private static void WriteSelfSigned(string host, string certificatePath, string keyPath, IPAddress? address = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        names.AddIpAddress(address ?? IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>PostgreSQL reads its key only if the server's user owns it (mode 0600).</summary>
    private static void GiveToServiceUser(string path)
    {
        if (Environment.UserName == "root")
        {
            using var chown = System.Diagnostics.Process.Start("chown", ["postgres:", path])!;
            chown.WaitForExit();
        }
    }
}
