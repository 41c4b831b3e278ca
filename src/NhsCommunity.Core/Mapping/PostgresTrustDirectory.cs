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

    public PostgresTrustDirectory(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async Task<IReadOnlyList<KnownTrust>> GetTrustsAsync(CancellationToken cancellationToken)
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
}
