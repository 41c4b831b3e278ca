using NhsCommunity.Database;
using Npgsql;

namespace NhsCommunity.Mapping;

/// <summary>The trusts in trust_metrics, each with the name of its latest period.</summary>
public sealed class PostgresTrustDirectory : ITrustDirectory
{
    // DISTINCT ON keeps one row per trust: the one with the latest period, so a renamed trust shows its current name.
    internal const string Query = """
        SELECT DISTINCT ON (trust_code) trust_code, trust_name
        FROM trust_metrics
        ORDER BY trust_code, period DESC
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    public PostgresTrustDirectory(NpgsqlDataSource dataSource)
        : this(dataSource, "the database")
    {
    }

    private PostgresTrustDirectory(NpgsqlDataSource dataSource, string description)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _description = description;
    }

    /// <summary>For cmdlets, which never touch a driver type: the target's data source, and its safe description in errors.</summary>
    public static PostgresTrustDirectory From(DatabaseTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new PostgresTrustDirectory(target.DataSource, target.Description);
    }

    /// <exception cref="DatabaseUnavailableException">The database cannot be reached or has no readable trust_metrics.</exception>
    public async Task<IReadOnlyList<KnownTrust>> GetTrustsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var trusts = new List<KnownTrust>();
            await using NpgsqlCommand command = _dataSource.CreateCommand(Query);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                trusts.Add(new KnownTrust(reader.GetString(0).Trim(), reader.GetString(1)));
            }

            return trusts;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            // Npgsql's messages name the server and the SQL problem, never the password.
            throw new DatabaseUnavailableException($"Could not read the trusts from trust_metrics in {_description}: {e.Message}", e);
        }
    }
}
