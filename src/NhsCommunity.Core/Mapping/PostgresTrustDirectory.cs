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
    private readonly TimeSpan _timeout;

    public PostgresTrustDirectory(NpgsqlDataSource dataSource)
        : this(dataSource, "the database", DatabaseWaits.DefaultTimeout)
    {
    }

    private PostgresTrustDirectory(NpgsqlDataSource dataSource, string description, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _description = description;
        _timeout = timeout;
    }

    /// <summary>For cmdlets, which never touch a driver type: the target's data source, and its safe description in errors.</summary>
    public static PostgresTrustDirectory From(DatabaseTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new PostgresTrustDirectory(target.DataSource, target.Description, target.Timeout);
    }

    /// <exception cref="DatabaseUnavailableException">The database cannot be reached or has no readable trust_metrics.</exception>
    /// <exception cref="DatabaseTimeoutException">The read (or its wait for a lock) took longer than the timeout.</exception>
    public async Task<IReadOnlyList<KnownTrust>> GetTrustsAsync(CancellationToken cancellationToken)
    {
        int pid = 0;
        try
        {
            var trusts = new List<KnownTrust>();
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            pid = connection.ProcessID;
            await using var batch = new NpgsqlBatch(connection)
            {
                Timeout = DatabaseWaits.ClientSeconds(_timeout),
                BatchCommands = { DatabaseWaits.SetCommand(_timeout, _timeout), new NpgsqlBatchCommand(Query) },
            };
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                trusts.Add(new KnownTrust(reader.GetString(0).Trim(), reader.GetString(1)));
            }

            return trusts;
        }
        catch (Exception e) when (pid != 0 && DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
        {
            // Connected, then the read (or its wait for a lock) ran out of time.
            throw await LockProbe.ExplainAsync(_dataSource, _description, "Reading the trusts from trust_metrics", _timeout, ["trust_metrics"], LockProbe.BlockingReads, [pid], e).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            // Npgsql's messages name the server and the SQL problem, never the password.
            throw new DatabaseUnavailableException($"Could not read the trusts from trust_metrics in {_description}: {e.Message}", e);
        }
    }
}
