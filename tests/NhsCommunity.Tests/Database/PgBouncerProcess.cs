using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// PgBouncer in transaction mode (what Supabase's pooler on port 6543 does) in front of a test server,
/// run as a child process with an ini of our own on a free port, stopped on dispose.
/// </summary>
internal sealed class PgBouncerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PgBouncerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public const string NotInstalledReason = "PgBouncer is not installed (Debian: apt-get install pgbouncer); .ci/run installs it";

    private static readonly string[] Locations = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

    public static string? Executable => Locations.FirstOrDefault(File.Exists);

    public static bool IsInstalled => Prerequisite.Check(Executable is not null, NotInstalledReason);

    /// <summary>A connection string to <paramref name="database"/> through the pooler, as a transaction-pooler user would write it.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        SslMode = SslMode.Disable,
        NoResetOnClose = true,
        MaxAutoPrepare = 0,
    }.ConnectionString;

    public static PgBouncerProcess Start(int serverPort)
    {
        string directory = Path.Combine(Path.GetTempPath(), "nhscommunity-pgbouncer-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        int port = FreePort();
        File.WriteAllText(Path.Combine(directory, "userlist.txt"), "\"postgres\" \"\"\n");
        File.WriteAllText(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            * = host=127.0.0.1 port={serverPort}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {directory}/userlist.txt
            pool_mode = transaction
            default_pool_size = 4
            max_client_conn = 50
            server_reset_query =
            ignore_startup_parameters = extra_float_digits,options
            logfile = {directory}/pgbouncer.log
            pidfile = {directory}/pgbouncer.pid
            """);

        // PgBouncer refuses to run as root; the PostgreSQL service user runs it then.
        bool root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? "runuser" : Executable!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (root)
        {
            foreach (string argument in new[] { "-u", "postgres", "--", Executable! })
            {
                start.ArgumentList.Add(argument);
            }

            Process.Start("chmod", ["-R", "a+rwX", directory])!.WaitForExit();
        }

        start.ArgumentList.Add(Path.Combine(directory, "pgbouncer.ini"));
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pgbouncer.");
        var bouncer = new PgBouncerProcess(process, directory, port);
        for (int i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                string log = File.Exists(Path.Combine(directory, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(directory, "pgbouncer.log")) : "";
                throw new InvalidOperationException($"pgbouncer exited with {process.ExitCode}: {process.StandardError.ReadToEnd()} {log}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return bouncer;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        bouncer.Dispose();
        throw new InvalidOperationException("pgbouncer did not start listening.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // runuser passes the signal on; kill the whole tree to be sure.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
