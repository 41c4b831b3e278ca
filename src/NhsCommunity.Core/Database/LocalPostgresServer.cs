using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// A PostgreSQL server of our own, in a data folder we own: the embedded default where no database is
/// given, and the throw-away cluster the tests use. Uses the machine's PostgreSQL server binaries
/// (initdb, pg_ctl); when running as root it runs them as the 'postgres' system user, because initdb
/// refuses to run as root.
/// </summary>
public sealed class LocalPostgresServer : IDisposable
{
    private const string ServiceUser = "postgres";

    private readonly bool _deleteOnDispose;
    private bool _running;

    private LocalPostgresServer(string dataDirectory, string binDirectory, int port, bool deleteOnDispose)
    {
        DataDirectory = dataDirectory;
        BinDirectory = binDirectory;
        Port = port;
        _deleteOnDispose = deleteOnDispose;
    }

    public string DataDirectory { get; }

    public string BinDirectory { get; }

    public int Port { get; }

    /// <summary>Trust authentication on the loopback interface only: no password exists to leak.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Database = database,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>
    /// Starts a server in <paramref name="dataDirectory"/>, initialising it first if it is empty.
    /// With no directory, a temporary one is made and deleted again on dispose. <paramref name="settings"/>
    /// are extra server settings (e.g. ssl, ssl_cert_file), passed as -c name=value.
    /// </summary>
    public static LocalPostgresServer Start(string? dataDirectory = null, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        string bin = FindBinDirectory();
        bool temporary = dataDirectory is null;
        string data = Path.GetFullPath(dataDirectory ?? Path.Combine(Path.GetTempPath(), "nhscommunity-pg-" + Guid.NewGuid().ToString("N")[..12]));
        var server = new LocalPostgresServer(data, bin, port ?? FreePort(), temporary);
        try
        {
            server.InitialiseIfNeeded();

            // A local server for a backfill or a test run needs no durability or replication: no fsync, and the
            // least WAL (a test run otherwise keeps a gigabyte of it in the temp folder).
            server.Run("pg_ctl", "-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60",
                "-o", $"-p {server.Port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=128MB{ExtraSettings(settings)}",
                "start");
            server._running = true;
            if (temporary)
            {
                server.WatchOwner(Environment.ProcessId);
            }

            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A temporary cluster must not outlive its owner: a test runner may kill its host before the
    /// process-exit handlers finish, and an abandoned cluster keeps its port and gigabytes of /tmp. A
    /// detached shell waits for this process to end, then stops the server and deletes its folder;
    /// after a normal dispose it finds nothing left to do.
    /// </summary>
    internal void WatchOwner(int ownerProcessId)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh") || !File.Exists("/usr/bin/setsid"))
        {
            return;
        }

        const string script = "exec </dev/null >/dev/null 2>&1; owner=$1; data=$2; shift 2; while kill -0 \"$owner\" 2>/dev/null; do sleep 1; done; "
            + "[ -f \"$data/postmaster.pid\" ] && \"$@\" -D \"$data\" -m immediate -w stop; rm -rf -- \"$data\"";
        string pgCtl = Path.Combine(BinDirectory, "pg_ctl");
        string[] stop = RunningAsRoot ? ["runuser", "-u", ServiceUser, "--", pgCtl] : [pgCtl];

        // setsid -f forks into a new session, out of this process's tree, so killing the tree spares it.
        var start = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false };
        foreach (string argument in (string[])["-f", "/bin/sh", "-c", script, "nhscommunity-pg-watch", ownerProcessId.ToString(CultureInfo.InvariantCulture), DataDirectory, .. stop])
        {
            start.ArgumentList.Add(argument);
        }

        using Process? watcher = Process.Start(start);
        watcher?.WaitForExit();
    }

    private static string ExtraSettings(IReadOnlyDictionary<string, string>? settings)
    {
        if (settings is null)
        {
            return "";
        }

        foreach (var (name, value) in settings)
        {
            // pg_ctl hands -o to a shell: accept only values that need no quoting.
            if (!SqlIdentifier.IsValid(name) || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '&' or '|' or '\\'))
            {
                throw new ArgumentException($"Server setting '{name}' has a name or value that would need quoting.", nameof(settings));
            }
        }

        return string.Concat(settings.Select(s => $" -c {s.Key}={s.Value}"));
    }

    /// <summary>Where initdb and pg_ctl are: NHSCOMMUNITY_PG_BIN, else the newest Debian cluster binaries, else PATH.</summary>
    public static string FindBinDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("NHSCOMMUNITY_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            string? newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        string? onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        return onPath ?? throw new PostgresNotInstalledException();
    }

    public static bool IsInstalled()
    {
        try
        {
            FindBinDirectory();
            return true;
        }
        catch (PostgresNotInstalledException)
        {
            return false;
        }
    }

    /// <summary>Creates an empty database (for tests that each want their own).</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public void Stop()
    {
        // A folder already gone was stopped and removed by the owner watch.
        if (_running && Directory.Exists(DataDirectory))
        {
            _running = false;
            // A throw-away cluster needs no shutdown checkpoint.
            Run("pg_ctl", "-D", DataDirectory, "-m", _deleteOnDispose ? "immediate" : "fast", "-w", "stop");
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            if (_deleteOnDispose && Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    private void InitialiseIfNeeded()
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        if (RunningAsRoot)
        {
            // The service user must own the data folder; initdb then creates the cluster in it.
            RunProcess("chown", [ServiceUser + ":", DataDirectory]);
        }

        Run("initdb", "-D", DataDirectory, "-U", ServiceUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private void Run(string tool, params string[] arguments)
    {
        string executable = Path.Combine(BinDirectory, tool);
        if (RunningAsRoot)
        {
            RunProcess("runuser", ["-u", ServiceUser, "--", executable, .. arguments]);
        }
        else
        {
            RunProcess(executable, arguments);
        }
    }

    private void RunProcess(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string log = Path.Combine(DataDirectory, "server.log");
            string tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Select(Path.GetFileName))} failed with exit code {process.ExitCode} for the local PostgreSQL in '{DataDirectory}': {error.Result.Trim()} {output.Result.Trim()} {tail}".Trim());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
