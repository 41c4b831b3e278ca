using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// Undoes a backfill run from community_data_backups, in one transaction under the backfill lock: rows
/// it changed get their previous value and updated_at back exactly (NULL where there was none), rows
/// it inserted are deleted, and the run's backups are marked restored so a second restore does nothing.
/// </summary>
public sealed class TrustMetricsRestorer
{
    private readonly DatabaseTarget _database;

    public TrustMetricsRestorer(DatabaseTarget database)
    {
        _database = database;
    }

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Restores the run; throws <see cref="KeyNotFoundException"/> when the database holds nothing to restore for it.</summary>
    public async Task<IReadOnlyList<TrustMetricsRestoreResult>> RestoreAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, BackfillSql.SetLockTimeout, ((long)LockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, BackfillSql.TakeLock, BackfillSql.LockKey, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == BackfillSql.LockNotAvailable)
            {
                throw new BackfillLockedException($"Another backfill is running on {_database.Description}; restore run {runId} when it has finished.", e);
            }

            var columns = new List<string>();
            await using (var find = new NpgsqlCommand(
                "SELECT DISTINCT column_name FROM community_data_backups WHERE run_id = $1 AND restored_at IS NULL ORDER BY 1", connection))
            {
                find.Parameters.Add(new NpgsqlParameter { Value = runId });
                await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(reader.GetString(0));
                }
            }

            if (columns.Count == 0)
            {
                throw new KeyNotFoundException($"{_database.Description} holds nothing to restore for run {runId}: no backfill saved values under it, or it was restored already.");
            }

            var results = new List<TrustMetricsRestoreResult>();
            foreach (string column in columns)
            {
                await using var restore = new NpgsqlCommand(RestoreSql(SqlIdentifier.Quote(column)), connection);
                restore.Parameters.Add(new NpgsqlParameter { Value = runId });
                restore.Parameters.Add(new NpgsqlParameter { Value = column });
                await using NpgsqlDataReader reader = await restore.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    results.Add(new TrustMetricsRestoreResult(
                        reader.GetString(0), reader.GetDateTime(1), reader.GetString(2), column, reader.GetString(3), runId));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return results;
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("42", StringComparison.Ordinal))
        {
            // 42P01: no backup table at all, so no backfill ever ran here.
            throw new KeyNotFoundException($"{_database.Description} holds nothing to restore for run {runId}: {e.MessageText}.", e);
        }
        catch (NpgsqlException e)
        {
            throw new TrustMetricsWriteException($"Restoring run {runId} on {_database.Description} failed: {_database.Redact(e.Message)}. Nothing was restored; run it again.", e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, object value, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The earliest backup of a row within the run is the value before the run touched it.
    private static string RestoreSql(string column) => $"""
        WITH b AS (
            SELECT DISTINCT ON (trust_code, period, data_type) trust_code, period, data_type, previous, previous_updated_at, had_row
            FROM community_data_backups
            WHERE run_id = $1 AND column_name = $2 AND restored_at IS NULL
            ORDER BY trust_code, period, data_type, id
        ),
        restored AS (
            UPDATE trust_metrics m SET {column} = b.previous, updated_at = b.previous_updated_at
            FROM b
            WHERE b.had_row AND m.trust_code = b.trust_code AND m.period = b.period AND m.data_type = b.data_type
            RETURNING m.trust_code, m.period, m.data_type, 'Restored' AS status
        ),
        removed AS (
            DELETE FROM trust_metrics m USING b
            WHERE NOT b.had_row AND m.trust_code = b.trust_code AND m.period = b.period AND m.data_type = b.data_type
            RETURNING m.trust_code, m.period, m.data_type, 'Removed' AS status
        ),
        marked AS (
            UPDATE community_data_backups SET restored_at = now()
            WHERE run_id = $1 AND column_name = $2 AND restored_at IS NULL
        )
        SELECT trust_code::text, period, data_type::text, status FROM restored
        UNION ALL
        SELECT trust_code::text, period, data_type::text, status FROM removed
        ORDER BY 2, 1
        """;
}
