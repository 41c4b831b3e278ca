using System.Globalization;
using System.Net;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// Where the module's database is: an explicit connection string, else NHSCOMMUNITY_CONNECTION, else the
/// standard PG* environment variables and libpq's defaults (see PgEnvironment). A credential supplies the
/// password. Nothing here ever puts the connection string or password into a message: see <see cref="Describe"/>
/// and <see cref="SecretRedactor"/>.
/// </summary>
public static class DatabaseConnection
{
    public const string EnvironmentVariable = "NHSCOMMUNITY_CONNECTION";

    /// <summary>The port of Supabase's transaction-mode pooler (Supavisor), which keeps no session state.</summary>
    public const int TransactionPoolerPort = 6543;

    /// <summary>Builds the settings, applying the module's defaults (TLS, application name).</summary>
    public static NpgsqlConnectionStringBuilder Resolve(string? connectionString, NetworkCredential? credential = null) =>
        ResolveSettings(connectionString, credential, Environment.GetEnvironmentVariable).Settings;

    /// <summary>
    /// The resolved settings as connection string text, with every wait capped at <paramref name="timeoutSeconds"/>:
    /// for code that must not see the driver's types (tab completion, in PowerShell's load context) and
    /// still connects with the module's TLS decision.
    /// </summary>
    public static string ResolveText(string? connectionString, int timeoutSeconds)
    {
        NpgsqlConnectionStringBuilder settings = Resolve(connectionString);
        settings.Timeout = timeoutSeconds;
        settings.CommandTimeout = timeoutSeconds;
        return settings.ConnectionString;
    }

    public static NpgsqlDataSource CreateDataSource(string? connectionString, NetworkCredential? credential = null) =>
        BuildDataSource(Resolve(connectionString, credential));

    /// <summary>
    /// The settings with their TLS decision and a redactor for every secret they hold. <paramref name="environment"/>
    /// reads environment variables (a parameter so tests need not change the process's environment).
    /// </summary>
    internal static ResolvedConnection ResolveSettings(string? connectionString, NetworkCredential? credential, Func<string, string?> environment)
    {
        string? text = !string.IsNullOrWhiteSpace(connectionString)
            ? connectionString
            : environment(EnvironmentVariable);

        NpgsqlConnectionStringBuilder builder = Parse(text);

        if (string.IsNullOrWhiteSpace(text) && !PgEnvironment.IsConfigured(environment))
        {
            throw new DatabaseConfigurationException(
                $"No database was given. Pass -ConnectionString 'Host=...;Database=...;Username=...', set {EnvironmentVariable}, or set PGHOST (with PGPORT, PGDATABASE, PGUSER).");
        }

        // libpq's variables and defaults for what the string leaves out; TLS settings are TlsDecision's.
        PgEnvironment.Apply(builder, name => name is "PGSSLMODE" or "PGSSLROOTCERT" ? null : environment(name));

        if (credential is not null)
        {
            if (!string.IsNullOrEmpty(credential.UserName))
            {
                builder.Username = credential.UserName;
            }

            builder.Password = credential.Password;
        }

        // PgEnvironment.Apply always leaves a host (PGHOST, a local socket or localhost).
        TlsDecision tls = TlsDecision.Apply(builder, builder.Host!, environment);

        // Supabase's transaction pooler (and PgBouncer set up like it) hands each transaction to any server
        // connection: nothing may rely on session state, so skip the DISCARD ALL sent when a pooled
        // connection is reused. Npgsql prepares nothing unless asked (Max Auto Prepare=0), which we keep.
        if (builder.Port == TransactionPoolerPort && !HasKey(builder, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "NhsCommunity";
        }

        // PGPASSWORD is what the driver sends when the string has no password.
        string? password = string.IsNullOrEmpty(builder.Password) ? environment("PGPASSWORD") : builder.Password;
        var redactor = new SecretRedactor([password, builder.SslPassword, text]);
        return new ResolvedConnection(builder, tls, redactor);
    }

    /// <summary>
    /// The module reads and writes only built-in types (text, date, uuid, jsonb and their arrays), so the
    /// server's type catalogue is not loaded on first connect: one round trip and a large query fewer.
    /// </summary>
    internal static NpgsqlDataSource BuildDataSource(NpgsqlConnectionStringBuilder settings)
    {
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }

    /// <summary>"user@host:port/database": safe to print, log and put in errors.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        string host = builder.Host ?? Environment.GetEnvironmentVariable("PGHOST") ?? "localhost";
        string user = builder.Username ?? Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName;
        string database = builder.Database ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? user;
        return $"{user}@{host}:{builder.Port}/{database}";
    }

    public static bool IsLocal(string host) =>
        host.Length == 0 || host.StartsWith('/') || host.StartsWith('@')
        || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// Parses the text. The parser's own message (and its inner exceptions) can quote any part of the
    /// string, the password included, so none of it is kept: the error names a key only when it is one of
    /// the driver's own key names (never text that could be a value), and says what to do.
    /// </summary>
    private static NpgsqlConnectionStringBuilder Parse(string? text)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text ?? "");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            throw DatabaseConfigurationException.Malformed(KnownKey((e as ArgumentException)?.ParamName));
        }
    }

    /// <summary>The driver's canonical spelling of a key the parser named, or null when it is not a key the driver knows.</summary>
    private static string? KnownKey(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 40)
        {
            return null;
        }

        var known = new NpgsqlConnectionStringBuilder();
        return known.ContainsKey(name) ? name.Trim().ToLowerInvariant() : null;
    }

    private static bool HasKey(NpgsqlConnectionStringBuilder builder, string key) =>
        builder.Keys.Cast<string>().Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase));
}
