using NhsCommunity.Database;

namespace NhsCommunity.Tests.Infrastructure;

/// <summary>
/// One throw-away PostgreSQL cluster for the whole test run, started on first use and stopped (and its
/// folder deleted) when the test process exits. Each test takes a database of its own, so tests that
/// write, kill connections or restore never see each other.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<LocalPostgresServer> Server = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    public const string NotInstalledReason = "PostgreSQL server binaries are not installed (Debian: apt-get install postgresql); .ci/run installs them";

    public static bool IsAvailable => Prerequisite.Check(LocalPostgresServer.IsInstalled(), NotInstalledReason);

    public static LocalPostgresServer Instance => Server.Value;

    /// <summary>A new empty database; returns its connection string.</summary>
    public static string NewDatabase(string purpose)
    {
        string name = $"{purpose.ToLowerInvariant()}_{Interlocked.Increment(ref _databaseCounter)}";
        return Instance.CreateDatabase(name);
    }

    private static LocalPostgresServer StartServer()
    {
        // The whole suite shares this server, and every data source keeps a pool of idle connections
        // open for a while: the default of 100 runs out when the database tests run in parallel.
        LocalPostgresServer server = LocalPostgresServer.Start(settings: new Dictionary<string, string> { ["max_connections"] = "500" });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }
}
