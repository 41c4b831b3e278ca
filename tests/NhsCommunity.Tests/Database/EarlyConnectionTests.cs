using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// DatabaseTarget.StartOpening: Update-TrustMetrics connects while its input is still being read. The connection
/// begun early is handed out once, to the next open, and its failure reaches that open exactly as its own would.
/// </summary>
[Trait("Category", "Database")]
public class EarlyConnectionTests
{
    [SkippableFact]
    public async Task The_connection_begun_early_is_the_next_one_opened_and_only_that_one()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("early_connection");
        await using DatabaseTarget target = DatabaseTarget.Resolve(connectionString);

        target.StartOpening(CancellationToken.None);
        int begun = await OtherBackendAsync(connectionString);
        await using var early = await target.OpenConnectionAsync(CancellationToken.None);
        await using var next = await target.OpenConnectionAsync(CancellationToken.None);

        // The server had the session before anyone asked for it; the first open got that one, the second a new one.
        Assert.Equal(begun, early.ProcessID);
        Assert.NotEqual(begun, next.ProcessID);
        Assert.Equal(System.Data.ConnectionState.Open, next.State);
    }

    /// <summary>The one other session on the database, waited for up to ten seconds.</summary>
    private static async Task<int> OtherBackendAsync(string connectionString)
    {
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'", watcher);
        for (int i = 0; i < 100; i++)
        {
            if (await query.ExecuteScalarAsync() is int pid)
            {
                return pid;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The connection begun early never reached the server.");
    }

    [Fact]
    public async Task A_connection_that_could_not_be_begun_fails_the_next_open_as_its_own_failure_would()
    {
        int closedPort = LocalPorts.Closed();
        await using DatabaseTarget target = DatabaseTarget.Resolve($"Host=127.0.0.1;Port={closedPort};Username=nobody;Database=none;Timeout=5");

        target.StartOpening(CancellationToken.None);
        var early = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => target.OpenConnectionAsync(CancellationToken.None));
        var own = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => target.OpenConnectionAsync(CancellationToken.None));

        Assert.StartsWith($"Could not connect to nobody@127.0.0.1:{closedPort}/none: ", early.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Could not connect to nobody@127.0.0.1:{closedPort}/none: ", own.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_begun_and_never_taken_is_closed_with_the_target()
    {
        int closedPort = LocalPorts.Closed();
        DatabaseTarget target = DatabaseTarget.Resolve($"Host=127.0.0.1;Port={closedPort};Username=nobody;Database=none;Timeout=5");
        target.StartOpening(CancellationToken.None);

        // Its failure is not thrown from the dispose: nobody asked for the connection.
        await target.DisposeAsync();
    }
}
