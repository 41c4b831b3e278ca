using System.Collections;
using System.Data.Common;
using NhsCommunity.Database;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Reads completion values from trust_metrics when a database is configured as the cmdlets find it: the
/// command's own -ConnectionString if already typed, else NHSCOMMUNITY_CONNECTION, else the PG* variables.
/// Completion must never throw or hang, so connecting and querying share a short deadline and every
/// failure (no server, bad credentials, no table) simply yields no values.
/// </summary>
internal static class DatabaseCompletionSource
{
    private const int TimeoutSeconds = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    /// <summary>Rows of (value, tooltip) from a query whose first two columns are text; empty on any failure.</summary>
    public static IReadOnlyList<(string Value, string ToolTip)> Query(IDictionary? boundParameters, string sql, string word)
    {
        try
        {
            string? connectionString = ConnectionStringFrom(boundParameters);
            if (connectionString is null)
            {
                return [];
            }

            using var deadline = new CancellationTokenSource(Deadline);
            Task<List<(string, string)>> query = Task.Run(() => QueryAsync(connectionString, sql, word, deadline.Token), deadline.Token);

            // Wait no longer than the deadline even if the driver ignores cancellation (a stuck DNS lookup).
            return query.Wait(Deadline + TimeSpan.FromMilliseconds(500)) ? query.Result : [];
        }
        catch (Exception e) when (e is AggregateException or OperationCanceledException or DbException or InvalidOperationException or ArgumentException or IOException or DatabaseConfigurationException or TypeLoadException)
        {
            return [];
        }
    }

    /// <summary>The resolved settings with short timeouts, or null when no database is configured at all.</summary>
    private static string? ConnectionStringFrom(IDictionary? boundParameters)
    {
        string? typed = boundParameters is not null && boundParameters.Contains("ConnectionString")
            && boundParameters["ConnectionString"] is string text && !string.IsNullOrWhiteSpace(text) ? text : null;
        if (typed is null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatabaseConnection.EnvironmentVariable)) && !PgEnvironment.IsConfigured())
        {
            return null;
        }

        // Resolved as for the cmdlets: the same TLS decision and certificate verification.
        return DatabaseConnection.ResolveText(typed, TimeoutSeconds);
    }

    private static async Task<List<(string, string)>> QueryAsync(string connectionString, string sql, string word, CancellationToken cancellation)
    {
        await using DbDataSource source = DatabaseConnection.CreateDataSource(connectionString);
        await using DbCommand command = source.CreateCommand(sql);
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
}
