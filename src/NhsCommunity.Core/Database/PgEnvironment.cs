using System.Globalization;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// The standard libpq environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, ...)
/// and libpq's defaults, applied to the settings a connection string left out. Npgsql does not read them
/// itself, so without this a user with only PG* set got "Value cannot be null. (Parameter 'Host')".
/// </summary>
public static class PgEnvironment
{
    /// <summary>Where Debian's and the upstream server put their Unix socket, in libpq's order of preference.</summary>
    public static readonly IReadOnlyList<string> DefaultSocketDirectories = ["/var/run/postgresql", "/tmp"];

    /// <summary>The variables this reads; any one of them set means "the database is configured".</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGSSLMODE",
        "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGAPPNAME", "PGCONNECT_TIMEOUT", "PGOPTIONS", "PGTARGETSESSIONATTRS",
    ];

    /// <summary>Whether any PG* variable is set (in the process environment, or the given lookup).</summary>
    public static bool IsConfigured(Func<string, string?>? lookup = null)
    {
        lookup ??= Environment.GetEnvironmentVariable;
        return Variables.Any(v => !string.IsNullOrEmpty(lookup(v)));
    }

    /// <summary>
    /// Fills what <paramref name="settings"/> leaves out from the PG* variables, then from libpq's defaults:
    /// the host is the local server's socket folder (else localhost), the port 5432, the user the OS user
    /// and the database the user's name. Throws <see cref="DatabaseConfigurationException"/> for a PG*
    /// value that is not valid (naming the variable, never a password).
    /// </summary>
    /// <param name="lookup">Reads a variable; the process environment when null.</param>
    /// <param name="socketDirectories">Folders to look in for the server's socket when no host is given.</param>
    public static void Apply(NpgsqlConnectionStringBuilder settings, Func<string, string?>? lookup = null, IReadOnlyList<string>? socketDirectories = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lookup ??= Environment.GetEnvironmentVariable;
        string? Read(string name) => lookup(name) is { Length: > 0 } value ? value : null;

        if (string.IsNullOrEmpty(settings.Host))
        {
            // libpq: PGHOSTADDR, when given, is the address actually used (PGHOST then only names it).
            settings.Host = Read("PGHOSTADDR") ?? Read("PGHOST");
        }

        if (!IsSet(settings, "Port") && Read("PGPORT") is { } port)
        {
            settings.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is > 0 and < 65536
                ? number
                : throw new DatabaseConfigurationException($"PGPORT is '{port}', which is not a port number: set it to a number such as 5432, or unset it.");
        }

        settings.Host ??= LocalSocketDirectory(settings.Port, socketDirectories ?? DefaultSocketDirectories) ?? "localhost";
        settings.Username ??= Read("PGUSER") ?? Environment.UserName;
        settings.Database ??= Read("PGDATABASE") ?? settings.Username;
        settings.Password ??= Read("PGPASSWORD");
        settings.Passfile ??= Read("PGPASSFILE");
        settings.RootCertificate ??= Read("PGSSLROOTCERT");
        settings.SslCertificate ??= Read("PGSSLCERT");
        settings.SslKey ??= Read("PGSSLKEY");
        settings.Options ??= Read("PGOPTIONS");
        settings.ApplicationName ??= Read("PGAPPNAME");
        if (Read("PGSSLMODE") is { } sslMode && !IsSet(settings, "SSL Mode"))
        {
            settings.SslMode = Enum.TryParse(sslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out SslMode mode)
                ? mode
                : throw new DatabaseConfigurationException($"PGSSLMODE is '{sslMode}', which is not an SSL mode: use disable, allow, prefer, require, verify-ca or verify-full.");
        }

        if (Read("PGCONNECT_TIMEOUT") is { } timeout && int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0)
        {
            settings.Timeout = Math.Max(seconds, 2);
        }

        settings.TargetSessionAttributes ??= Read("PGTARGETSESSIONATTRS");
    }

    /// <summary>Whether the connection string itself gave the key (the builder reports defaults for the others).</summary>
    private static bool IsSet(NpgsqlConnectionStringBuilder settings, string key) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }.ContainsKey(key);

    /// <summary>The first folder holding the server's socket for this port (libpq's default host on Unix), or null.</summary>
    private static string? LocalSocketDirectory(int port, IReadOnlyList<string> directories)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        string socket = ".s.PGSQL." + port.ToString(CultureInfo.InvariantCulture);
        return directories.FirstOrDefault(d => File.Exists(Path.Combine(d, socket)));
    }
}
