using System.Net;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// Where the module's database is: an explicit connection string, else NHSCOMMUNITY_CONNECTION, else the
/// standard PG* environment variables and libpq's defaults (see PgEnvironment). A credential supplies the password.
/// Nothing here ever puts the connection string or password into a message: see <see cref="Describe"/>.
/// </summary>
public static class DatabaseConnection
{
    public const string EnvironmentVariable = "NHSCOMMUNITY_CONNECTION";

    /// <summary>The port of Supabase's transaction-mode pooler (Supavisor), which keeps no session state.</summary>
    public const int TransactionPoolerPort = 6543;

    /// <summary>Builds the settings, applying the module's defaults (TLS for remote hosts, application name).</summary>
    public static NpgsqlConnectionStringBuilder Resolve(string? connectionString, NetworkCredential? credential = null)
    {
        string? text = !string.IsNullOrWhiteSpace(connectionString)
            ? connectionString
            : Environment.GetEnvironmentVariable(EnvironmentVariable);

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text ?? "");
        }
        catch (ArgumentException e)
        {
            // The parser's message can quote the string, password included: keep only the key it disliked.
            throw new DatabaseConfigurationException("The connection string is not valid: " + FirstKey(e) + ". Check its 'Key=Value;' pairs.");
        }

        if (string.IsNullOrWhiteSpace(text) && !PgEnvironment.IsConfigured())
        {
            throw new DatabaseConfigurationException(
                $"No database was given. Pass -ConnectionString 'Host=...;Database=...;Username=...', set {EnvironmentVariable}, or set PGHOST (with PGPORT, PGDATABASE, PGUSER).");
        }

        PgEnvironment.Apply(builder);

        if (credential is not null)
        {
            if (!string.IsNullOrEmpty(credential.UserName))
            {
                builder.Username = credential.UserName;
            }

            builder.Password = credential.Password;
        }

        // Encrypt anything that leaves the machine unless the user chose otherwise (in the string or PGSSLMODE).
        string host = builder.Host ?? Environment.GetEnvironmentVariable("PGHOST") ?? "";
        bool sslChosen = text?.Contains("ssl", StringComparison.OrdinalIgnoreCase) == true
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGSSLMODE"));
        if (!sslChosen && !IsLocal(host))
        {
            builder.SslMode = SslMode.Require;
        }

        // Supabase's transaction pooler (and PgBouncer set up like it) hands each transaction to any server
        // connection: nothing may rely on session state, so skip the DISCARD ALL sent when a pooled
        // connection is reused. Npgsql prepares nothing unless asked (Max Auto Prepare=0), which we keep.
        if (builder.Port == TransactionPoolerPort && text?.Contains("reset", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.NoResetOnClose = true;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "NhsCommunity";
        }

        return builder;
    }

    public static NpgsqlDataSource CreateDataSource(string? connectionString, NetworkCredential? credential = null) =>
        BuildDataSource(Resolve(connectionString, credential));

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

    private static string FirstKey(ArgumentException e) =>
        e.ParamName is { Length: > 0 } key ? $"unknown or malformed key '{key}'" : "it could not be parsed";
}
