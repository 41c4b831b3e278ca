using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// Undoes a backfill run from community_data_history, in one transaction while holding the backfill
/// lease (so it never interleaves with a backfill): each trust-month the run wrote gets back the version
/// just before the run's first write of it, document and updated_at exactly (NULL where there was none),
/// rows it inserted are deleted, and every row put back gets a 'Restore' version under the run's id, which
/// is what makes a second restore of the run do nothing.
/// </summary>
public sealed class TrustMetricsRestorer
{
    private readonly DatabaseTarget _database;

    public TrustMetricsRestorer(DatabaseTarget database)
    {
        _database = database;
    }

    /// <summary>How long to wait for a backfill running on the database to finish, and for other sessions' locks.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the restore's lease lasts if the restore dies without releasing it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Restore even rows that later runs changed since (their values are then lost from trust_metrics).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Restores the run. Throws <see cref="KeyNotFoundException"/> when the database holds nothing to restore for
    /// it, <see cref="RestoreConflictException"/> when later runs changed some of its rows (unless <see cref="Force"/>),
    /// <see cref="DatabasePermissionException"/>, <see cref="DatabaseTimeoutException"/> or
    /// <see cref="TrustMetricsSchemaException"/> (no trust_metrics: nothing created); nothing is restored then.
    /// </summary>
    public async Task<IReadOnlyList<TrustMetricsRestoreResult>> RestoreAsync(Guid runId, CancellationToken cancellationToken)
    {
        var lease = new BackfillLease(_database, Guid.NewGuid(), BackfillLease.DefaultHolder($"restoring run {runId}"), LeaseDuration);
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        int pid = connection.ProcessID;
        string what = $"Restoring run {runId}";
        try
        {
            await lease.TakeAsync(
                connection,
                (left, token) => TryTakeAsync(connection, lease, left, _database.Timeout, token),
                LockTimeout,
                $"Run {runId} was not restored; restore it when that backfill has finished.",
                cancellationToken).ConfigureAwait(false);

            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var start = new NpgsqlCommand(DatabaseWaits.SetLocalSql(_database.Timeout, LockTimeout) + ";\n" + lease.RenewSql(), connection))
            {
                start.CommandTimeout = ClientTimeout;
                await start.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var columns = new List<string>();
            await using (var find = new NpgsqlCommand(
                $"SELECT DISTINCT w.column_name FROM community_data_history w WHERE w.run_id = $1 AND w.kind = 'Write' AND {NotRestored("w", "$1")} ORDER BY 1",
                connection))
            {
                find.CommandTimeout = ClientTimeout;
                find.Parameters.Add(new NpgsqlParameter { Value = runId });
                await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(reader.GetString(0));
                }
            }

            if (columns.Count == 0)
            {
                throw new KeyNotFoundException($"{_database.Description} holds nothing to restore for run {runId}: no backfill wrote a version under it in community_data_history, or it was restored already.");
            }

            if (!Force)
            {
                IReadOnlyList<LaterRun> later = await LaterRunsAsync(connection, runId, cancellationToken).ConfigureAwait(false);
                if (later.Count > 0)
                {
                    throw new RestoreConflictException(runId, _database.Description, later);
                }
            }

            var results = new List<TrustMetricsRestoreResult>();
            foreach (string column in columns)
            {
                await using var restore = new NpgsqlCommand(RestoreSql(SqlIdentifier.Quote(column)), connection) { CommandTimeout = ClientTimeout };
                restore.Parameters.Add(new NpgsqlParameter { Value = runId });
                restore.Parameters.Add(new NpgsqlParameter { Value = column });
                await using NpgsqlDataReader reader = await restore.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    results.Add(new TrustMetricsRestoreResult(
                        reader.GetString(0), Month.Of(reader.GetDateTime(1)), reader.GetString(2), column, reader.GetString(3), runId));
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
        catch (PostgresException e) when (e.SqlState == BackfillSql.NoTable)
        {
            throw new TrustMetricsSchemaException(
                TrustMetricsSchemaException.TableNotFound,
                $"{_database.Description} has no table trust_metrics (on its search path), so there is nothing to restore there, and nothing was created. Check that the connection names the right database.",
                e);
        }
        catch (PostgresException e) when (e.SqlState == BackfillSql.NoHistory)
        {
            throw new KeyNotFoundException($"{_database.Description} holds nothing to restore for run {runId}: no backfill ever wrote there (it has no community_data_history table). Check that the connection names the database the run wrote to.", e);
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            throw new DatabasePermissionException(
                $"{what} on {_database.Description} was refused: {e.MessageText}. Nothing was restored. The user needs SELECT, UPDATE and DELETE on trust_metrics, SELECT, INSERT and UPDATE on community_data_history, and INSERT, UPDATE and DELETE on community_backfill_lease: ask the database's owner to grant them, or restore as a user who has them.",
                e);
        }
        catch (Exception e) when (DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
        {
            throw await _database.ExplainTimeoutAsync(what, e, LockTimeout, RestoredTables, LockProbe.BlockingWrites, pid).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("42", StringComparison.Ordinal))
        {
            // 42703 and the like: the history names a column trust_metrics no longer has.
            throw new TrustMetricsWriteException($"{what} on {_database.Description} failed: {e.MessageText}. Nothing was restored.", e);
        }
        catch (NpgsqlException e)
        {
            throw new TrustMetricsWriteException($"{what} on {_database.Description} failed: {_database.Redact(e.Message)}. Nothing was restored; run it again.", e);
        }
        finally
        {
            await ReleaseQuietlyAsync(lease, connection).ConfigureAwait(false);
        }
    }

    private const string InsufficientPrivilege = "42501";

    private static readonly string[] RestoredTables = ["trust_metrics", NhsCommunity.Ledger.LedgerSql.HistoryTable, BackfillSql.LeaseTable];

    private int ClientTimeout => DatabaseWaits.ClientSeconds(_database.Timeout > LockTimeout ? _database.Timeout : LockTimeout);

    /// <summary>
    /// One start-up round trip: under the start-up lock, check that trust_metrics and the history exist (so a
    /// database no backfill ever wrote to gets no lease table), create the lease table if missing, try to take
    /// the lease, read who holds it.
    /// </summary>
    private static async Task<LeaseHolder?> TryTakeAsync(NpgsqlConnection connection, BackfillLease lease, TimeSpan left, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TimeSpan statement = left > timeout ? left : timeout;
        await using var batch = new NpgsqlBatch(connection)
        {
            Timeout = DatabaseWaits.ClientSeconds(statement),
            BatchCommands =
            {
                DatabaseWaits.SetCommand(statement, left),
                new NpgsqlBatchCommand(BackfillSql.TakeLock) { Parameters = { new NpgsqlParameter { Value = BackfillSql.LockKey } } },
                new NpgsqlBatchCommand(BackfillSql.CheckTable),
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

    /// <summary>
    /// Runs that wrote a version of one of this run's rows after this run did, and have not been restored: they
    /// changed the row again, so putting back the value this run found would throw their value away.
    /// </summary>
    private async Task<IReadOnlyList<LaterRun>> LaterRunsAsync(NpgsqlConnection connection, Guid runId, CancellationToken cancellationToken)
    {
        await using var find = new NpgsqlCommand(LaterRunsSql, connection) { CommandTimeout = ClientTimeout };
        find.Parameters.Add(new NpgsqlParameter { Value = runId });
        find.Parameters.Add(new NpgsqlParameter { Value = TrustMetricsWriteOptions.DefaultDataType });
        find.Parameters.Add(new NpgsqlParameter { Value = TrustMetricsWriteOptions.DefaultColumn });
        var later = new List<LaterRun>();
        await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            later.Add(new LaterRun(reader.GetGuid(0), reader.GetDateTime(1), reader.GetFieldValue<string[]>(2)));
        }

        return later;
    }

    // $1 = the run, $2 and $3 = the usual data type and column (left out of the row names when they are those).
    // A later run is one whose write of the same trust-month came after this run's last write of it (ids grow
    // with time: runs never interleave) and has not been restored itself.
    private static readonly string LaterRunsSql = $"""
        WITH mine AS (
            SELECT w.trust_code, w.period, w.data_type, w.column_name, max(w.id) AS last_id
            FROM community_data_history w
            WHERE w.run_id = $1 AND w.kind = 'Write' AND {NotRestored("w", "$1")}
            GROUP BY w.trust_code, w.period, w.data_type, w.column_name
        ),
        later AS (
            SELECT DISTINCT l.run_id, m.trust_code, m.period, m.data_type, m.column_name
            FROM mine m
            JOIN community_data_history l
              ON l.trust_code = m.trust_code AND l.period = m.period AND l.data_type = m.data_type AND l.column_name = m.column_name
             AND l.id > m.last_id AND l.kind = 'Write' AND l.run_id <> $1
            WHERE {NotRestored("l", "l.run_id")}
        )
        SELECT l.run_id,
               (SELECT min(w.valid_from) FROM community_data_history w WHERE w.run_id = l.run_id AND w.kind = 'Write'),
               array_agg(l.trust_code || ' ' || to_char(l.period, 'YYYY-MM')
                         || CASE WHEN l.data_type = $2 THEN '' ELSE ' ' || l.data_type END
                         || CASE WHEN l.column_name = $3 THEN '' ELSE ' ' || l.column_name END
                         ORDER BY l.period, l.trust_code, l.data_type, l.column_name)
        FROM later l
        GROUP BY l.run_id
        ORDER BY 2, 1
        """;

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

    // The version just before the run's first write of a trust-month is the value the run found: put back exactly
    // (its document and updated_at; no row then means the run inserted the row, which is deleted). Every row the
    // restore changes gets a new history version ('Restore', from now(), under the restored run's id), which is
    // also what marks the trust-month restored. Versions are ordered by valid_from, valid_to, then id: a
    // trust-month's first 'Before' version (from -infinity) shares its statement with the write after it, and a
    // 'Before' of no length (the row as another loader left it) shares the write's valid_from but ends there.
    private static string RestoreSql(string column) => $"""
        WITH first_write AS (
            SELECT DISTINCT ON (w.trust_code, w.period, w.data_type) w.trust_code, w.period, w.data_type, w.valid_from, w.valid_to, w.id
            FROM community_data_history w
            WHERE w.run_id = $1 AND w.kind = 'Write' AND w.column_name = $2 AND {NotRestored("w", "$1")}
            ORDER BY w.trust_code, w.period, w.data_type, w.valid_from, w.id
        ),
        b AS (
            SELECT f.trust_code, f.period, f.data_type, p.document AS previous, p.row_updated_at AS previous_updated_at, p.had_row
            FROM first_write f
            CROSS JOIN LATERAL (
                SELECT h.document, h.row_updated_at, h.had_row
                FROM community_data_history h
                WHERE h.trust_code = f.trust_code AND h.period = f.period AND h.data_type = f.data_type AND h.column_name = $2
                  AND (h.valid_from, h.valid_to, h.id) < (f.valid_from, f.valid_to, f.id)
                ORDER BY h.valid_from DESC, h.valid_to DESC, h.id DESC
                LIMIT 1
            ) p
        ),
        current_rows AS (
            SELECT m.trust_code::text AS trust_code, m.period, m.data_type::text AS data_type,
                   m.trust_name::text AS trust_name, m.icb_code::text AS icb_code, m.icb_name::text AS icb_name, b.previous, b.previous_updated_at, b.had_row
            FROM trust_metrics m JOIN b ON m.trust_code = b.trust_code AND m.period = b.period AND m.data_type = b.data_type
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
        closed AS (
            UPDATE community_data_history h SET valid_to = now()
            FROM current_rows c
            WHERE h.trust_code = c.trust_code AND h.period = c.period AND h.data_type = c.data_type AND h.column_name = $2 AND h.valid_to = 'infinity'
        ),
        versions AS (
            INSERT INTO community_data_history (trust_code, period, data_type, column_name, kind, had_row, document,
                                                trust_name, icb_code, icb_name, row_updated_at, valid_from, run_id)
            SELECT c.trust_code, c.period, c.data_type, $2, 'Restore', c.had_row, c.previous, c.trust_name, c.icb_code, c.icb_name,
                   c.previous_updated_at, now(), $1
            FROM current_rows c
        )
        SELECT trust_code::text, period, data_type::text, status FROM restored
        UNION ALL
        SELECT trust_code::text, period, data_type::text, status FROM removed
        ORDER BY 2, 1
        """;

    /// <summary>
    /// SQL true when the trust-month of history version <paramref name="alias"/> has no 'Restore' version of
    /// <paramref name="run"/> (an expression for a run id): a restore of a run writes one for every row it puts back.
    /// </summary>
    private static string NotRestored(string alias, string run) => $"""
        NOT EXISTS (SELECT 1 FROM community_data_history r
                    WHERE r.run_id = {run} AND r.kind = 'Restore' AND r.trust_code = {alias}.trust_code AND r.period = {alias}.period
                      AND r.data_type = {alias}.data_type AND r.column_name = {alias}.column_name)
        """;
}
