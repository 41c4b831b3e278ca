using Npgsql;
using NhsCommunity.Database;

namespace NhsCommunity.Tests.Infrastructure;

[Trait("Category", "Database")]
public class LocalPostgresServerTests
{
    [SkippableFact]
    public void Starts_a_server_that_accepts_queries_and_stops_it_removing_its_folder()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string folder;
        using (LocalPostgresServer server = LocalPostgresServer.Start())
        {
            folder = server.DataDirectory;
            using var connection = new NpgsqlConnection(server.ConnectionString());
            connection.Open();
            using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", connection);
            Assert.True((int)command.ExecuteScalar()! >= 150000);
            using var create = new NpgsqlCommand(TrustMetricsSchema.CreateTable, connection);
            create.ExecuteNonQuery();
        }

        Assert.False(Directory.Exists(folder));
    }

    [SkippableFact]
    public void A_temporary_server_whose_owner_is_killed_is_stopped_and_its_folder_deleted()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.If(OperatingSystem.IsWindows(), "The owner watch is a POSIX shell.");

        // A stand-in owner that dies without running any handler, as a killed test host does.
        using var owner = System.Diagnostics.Process.Start("sleep", "600");
        using LocalPostgresServer server = LocalPostgresServer.Start();
        server.WatchOwner(owner.Id);
        string folder = server.DataDirectory;
        Assert.True(Directory.Exists(folder));

        owner.Kill();
        owner.WaitForExit();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists(folder) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        Assert.False(Directory.Exists(folder), $"The cluster in {folder} outlived its owner by 30 s.");
        using var connection = new NpgsqlConnection(server.ConnectionString() + ";Timeout=3");
        Assert.ThrowsAny<Exception>(() => connection.Open());
    }
}
