using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>Connection settings, TLS with a certificate the client verifies, and the backfill through a transaction-mode pooler.</summary>
public class ConnectionTests
{
    [Theory]
    [InlineData("Host=db.example.org;Database=postgres;Username=u", SslMode.Require)]
    [InlineData("Host=aws-0-eu-west-2.pooler.supabase.com;Port=6543;Username=postgres.ref", SslMode.Require)]
    [InlineData("Host=localhost;Username=u", SslMode.Prefer)]
    [InlineData("Host=127.0.0.1;Username=u", SslMode.Prefer)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=VerifyFull", SslMode.VerifyFull)]
    [InlineData("Host=db.example.org;Username=u;SSL Mode=Disable", SslMode.Disable)]
    public void Remote_hosts_get_tls_unless_the_connection_string_chooses(string connectionString, SslMode expected)
    {
        Assert.Equal(expected, DatabaseConnection.Resolve(connectionString).SslMode);
    }

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

        bool firstRanFirst = db.Scalar($"SELECT (SELECT min(id) FROM community_data_backups WHERE run_id = '{options.RunId}') < (SELECT min(id) FROM community_data_backups WHERE run_id = '{secondRun.RunId}')") == "True";
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

    private static void WriteSelfSigned(string host, string certificatePath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
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
