using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// Undoes a backfill run from community_data_backups, in one transaction while holding the backfill
/// lease (so it never interleaves with a backfill): rows it changed get their previous value and
/// updated_at back exactly (NULL where there was none), rows it inserted are deleted, and the run's
/// backups are marked restored so a second restore does nothing.
/// </summary>
public sealed class TrustMetricsRestorer
{
    private readonly DatabaseTarget _database;

    public TrustMetricsRestorer(DatabaseTarget database)
    {
        _database = database;
    }

    /// <summary>How long to wait for a backfill running on the database to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the restore's lease lasts if the restore dies without releasing it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Restores the run; throws <see cref="KeyNotFoundException"/> when the database holds nothing to restore for it.</summary>
    public async Task<IReadOnlyList<TrustMetricsRestoreResult>> RestoreAsync(Guid runId, CancellationToken cancellationToken)
    {
        var lease = new BackfillLease(_database, Guid.NewGuid(), BackfillLease.DefaultHolder($"restoring run {runId}"), LeaseDuration);
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await lease.TakeAsync(
                connection,
                (left, token) => TryTakeAsync(connection, lease, left, token),
                LockTimeout,
                $"Run {runId} was not restored; restore it when that backfill has finished.",
                cancellationToken).ConfigureAwait(false);

            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, BackfillSql.SetLockTimeout, Math.Max(1L, (long)LockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await using (var renew = new NpgsqlCommand(lease.RenewSql(), connection))
            {
                await renew.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        catch (PostgresException e) when (BackfillLease.IsLeaseLost(e))
        {
            lease.MarkLost();
            throw lease.LostTo(null, $"the restore of run {runId}", e);
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
        finally
        {
            await ReleaseQuietlyAsync(lease, connection).ConfigureAwait(false);
        }
    }

    /// <summary>One start-up round trip: under the start-up lock, create the lease table if missing, try to take the lease, read who holds it.</summary>
    private static async Task<LeaseHolder?> TryTakeAsync(NpgsqlConnection connection, BackfillLease lease, TimeSpan left, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(BackfillSql.SetLockTimeout) { Parameters = { new NpgsqlParameter { Value = Math.Max(1L, (long)left.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
                new NpgsqlBatchCommand(BackfillSql.TakeLock) { Parameters = { new NpgsqlParameter { Value = BackfillSql.LockKey } } },
                new NpgsqlBatchCommand(BackfillSql.CreateLeaseTable),
            },
        };
        foreach (NpgsqlBatchCommand take in lease.TakeCommands())
        {
            batch.BatchCommands.Add(take);
        }

        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        LeaseHolder? holder = await lease.ReadHolderAsync(reader, cancellationToken).ConfigureAwait(false);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            // Drain: the implicit transaction commits when the whole batch has completed.
        }

        return holder;
    }

    /// <summary>Gives the lease back whatever happened; if that fails too, it expires by itself.</summary>
    private static async Task ReleaseQuietlyAsync(BackfillLease lease, NpgsqlConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await lease.ReleaseAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // It expires after LeaseDuration.
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
