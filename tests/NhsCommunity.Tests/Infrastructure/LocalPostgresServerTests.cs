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
}
