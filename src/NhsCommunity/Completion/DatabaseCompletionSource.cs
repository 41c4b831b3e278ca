using System.Collections;
using System.Data.Common;
using System.Reflection;
using System.Runtime.Loader;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Reads completion values from trust_metrics when a connection is configured: the command's own
/// -ConnectionString if already typed, else the NHSCOMMUNITY_CONNECTION environment variable. Completion
/// must never throw or hang, so connecting and querying share a short deadline and every failure
/// (no server, bad credentials, no table) simply yields no values.
/// </summary>
/// <remarks>
/// Npgsql is reached through its ADO.NET factory, loaded beside the core in the module's own load
/// context, so this assembly (in PowerShell's default context) never binds to Npgsql's types.
/// </remarks>
internal static class DatabaseCompletionSource
{
    public const string ConnectionVariable = "NHSCOMMUNITY_CONNECTION";

    private const int TimeoutSeconds = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    /// <summary>Rows of (value, tooltip) from a query whose first two columns are text; empty on any failure.</summary>
    public static IReadOnlyList<(string Value, string ToolTip)> Query(IDictionary? boundParameters, string sql, string word)
    {
        string? connectionString = ConnectionStringFrom(boundParameters);
        if (connectionString is null)
        {
            return [];
        }

        try
        {
            using var deadline = new CancellationTokenSource(Deadline);
            Task<List<(string, string)>> query = Task.Run(() => QueryAsync(connectionString, sql, word, deadline.Token), deadline.Token);

            // Wait no longer than the deadline even if the driver ignores cancellation (a stuck DNS lookup).
            return query.Wait(Deadline + TimeSpan.FromMilliseconds(500)) ? query.Result : [];
        }
        catch (Exception e) when (e is AggregateException or OperationCanceledException or DbException or InvalidOperationException or ArgumentException or IOException or TargetInvocationException or FileNotFoundException or TypeLoadException or DatabaseConfigurationException)
        {
            return [];
        }
    }

    private static string? ConnectionStringFrom(IDictionary? boundParameters)
    {
        if (boundParameters is not null && boundParameters.Contains("ConnectionString")
            && boundParameters["ConnectionString"] is string typed && !string.IsNullOrWhiteSpace(typed))
        {
            return typed;
        }

        string? configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        return string.IsNullOrWhiteSpace(configured) ? null : configured;
    }

    private static async Task<List<(string, string)>> QueryAsync(string connectionString, string sql, string word, CancellationToken cancellation)
    {
        DbProviderFactory factory = NpgsqlFactory();

        // Resolved by the core, as for the cmdlets: the same TLS decision and certificate verification.
        await using DbConnection connection = factory.CreateConnection() ?? throw new InvalidOperationException("Npgsql made no connection.");
        connection.ConnectionString = DatabaseConnection.ResolveText(connectionString, TimeoutSeconds);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "word";
        parameter.Value = word;
        command.Parameters.Add(parameter);

        var rows = new List<(string, string)>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? string.Empty : reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>Npgsql's factory from the load context that holds the core (and so Npgsql).</summary>
    private static DbProviderFactory NpgsqlFactory()
    {
        AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(typeof(ServiceCatalogue).Assembly) ?? AssemblyLoadContext.Default;
        Assembly npgsql = context.LoadFromAssemblyName(new AssemblyName("Npgsql"));
        return npgsql.GetType("Npgsql.NpgsqlFactory", throwOnError: true)!
            .GetField("Instance", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null) as DbProviderFactory
            ?? throw new InvalidOperationException("Npgsql.NpgsqlFactory.Instance is not a DbProviderFactory.");
    }
}
