using Npgsql;
using NpgsqlTypes;
using NhsCommunity.Database;

namespace NhsCommunity.Ledger;

/// <summary>
/// Reads and writes community_loads outside a month's transaction: which files' bytes were loaded before, the
/// AlreadyLoaded, Superseded and Failed rows of a run (one short statement, no history), and the rows
/// Get-CommunityLoad shows. A loaded month's row is written by <see cref="TrustMetricsWriter"/> in the month's
/// own transaction instead.
/// </summary>
public static class LoadLedger
{
    /// <summary>user@host: who ran the load, as the ledger records it.</summary>
    public static string CurrentUser => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>
    /// For each of <paramref name="hashes"/> already loaded successfully (Loaded or Unchanged) into this database's
    /// <paramref name="dataType"/> rows and <paramref name="column"/>, its first such load. Empty when the ledger
    /// table does not exist yet (nothing is created).
    /// </summary>
    public static Task<IReadOnlyDictionary<string, PreviousLoad>> LoadedBeforeAsync(
        DatabaseTarget database, IReadOnlyCollection<string> hashes, string dataType, string column, CancellationToken cancellationToken) =>
        ByHashAsync(database, hashes, "outcome IN ('Loaded', 'Unchanged')", dataType, column, cancellationToken);

    /// <summary>
    /// For each of <paramref name="hashes"/> recorded Superseded before (with its month and edition) for this database's
    /// <paramref name="dataType"/> rows and <paramref name="column"/>: the month and edition those bytes hold, so the
    /// file need not be opened again to find it older than the edition standing. Empty when the ledger does not exist.
    /// </summary>
    public static Task<IReadOnlyDictionary<string, PreviousLoad>> SupersededBeforeAsync(
        DatabaseTarget database, IReadOnlyCollection<string> hashes, string dataType, string column, CancellationToken cancellationToken) =>
        ByHashAsync(database, hashes, "outcome = 'Superseded' AND period IS NOT NULL AND published IS NOT NULL", dataType, column, cancellationToken);

    /// <summary>The first ledger row of each hash that <paramref name="outcomes"/> (SQL, a constant) selects.</summary>
    private static async Task<IReadOnlyDictionary<string, PreviousLoad>> ByHashAsync(
        DatabaseTarget database, IReadOnlyCollection<string> hashes, string outcomes, string dataType, string column, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var found = new Dictionary<string, PreviousLoad>(StringComparer.Ordinal);
        if (hashes.Count == 0)
        {
            return found;
        }

        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await LedgerSql.ExistsAsync(connection, LedgerSql.LoadsTable, cancellationToken).ConfigureAwait(false))
        {
            return found;
        }

        // The outcomes stand in the text, so the hash index (partial, on successful loads) serves that lookup.
        await using var find = new NpgsqlCommand($"""
            SELECT DISTINCT ON (sha256) sha256, file_name, period, published, run_id, loaded_at
            FROM community_loads
            WHERE sha256 = ANY($1) AND {outcomes} AND data_type = $2 AND column_name = $3
            ORDER BY sha256, id
            """, connection)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = hashes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = dataType },
                new NpgsqlParameter { Value = column },
            },
        };
        await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found[reader.GetString(0)] = new PreviousLoad(
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.IsDBNull(3) ? null : reader.GetDateTime(3),
                reader.GetGuid(4),
                reader.GetFieldValue<DateTimeOffset>(5));
        }

        return found;
    }

    /// <summary>
    /// For each month with a successful load (Loaded or Unchanged) into this database's <paramref name="dataType"/>
    /// rows and <paramref name="column"/>, the edition that stands there: its latest such load whose run has not
    /// been restored since. Empty when the ledger or the history does not exist yet (nothing is created).
    /// </summary>
    public static async Task<IReadOnlyDictionary<DateTime, PreviousLoad>> StandingEditionsAsync(
        DatabaseTarget database, string dataType, string column, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var found = new Dictionary<DateTime, PreviousLoad>();
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var find = new NpgsqlCommand("""
            SELECT DISTINCT ON (l.period) l.file_name, l.period, l.published, l.run_id, l.loaded_at
            FROM community_loads l
            WHERE l.outcome IN ('Loaded', 'Unchanged') AND l.period IS NOT NULL AND l.data_type = $1 AND l.column_name = $2
              AND NOT EXISTS (SELECT 1 FROM community_data_history h
                              WHERE h.run_id = l.run_id AND h.kind = 'Restore' AND h.period = l.period AND h.data_type = $1 AND h.column_name = $2)
            ORDER BY l.period, l.id DESC
            """, connection)
        {
            Parameters = { new NpgsqlParameter { Value = dataType }, new NpgsqlParameter { Value = column } },
        };
        if (!await LedgerSql.ExistsAsync(connection, LedgerSql.LoadsTable, cancellationToken).ConfigureAwait(false)
            || !await LedgerSql.ExistsAsync(connection, LedgerSql.HistoryTable, cancellationToken).ConfigureAwait(false))
        {
            return found;
        }

        await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTime period = reader.GetDateTime(1);
            found[period] = new PreviousLoad(
                reader.GetString(0),
                period,
                reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.GetGuid(3),
                reader.GetFieldValue<DateTimeOffset>(4));
        }

        return found;
    }

    /// <summary>
    /// Writes <paramref name="entries"/> in one statement (one round trip, one transaction). On a database where
    /// no backfill has run, it first checks trust_metrics and the column (nothing is created on a wrong database)
    /// and creates the ledger tables.
    /// </summary>
    public static async Task RecordAsync(
        DatabaseTarget database, Guid runId, string dataType, string column, IReadOnlyList<LoadEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            Timeout = DatabaseWaits.ClientSeconds(database.Timeout),
            BatchCommands =
            {
                new NpgsqlBatchCommand(BackfillSql.CheckSchema(column)),
                new NpgsqlBatchCommand(LedgerSql.CreateTables),
                new NpgsqlBatchCommand("""
                    INSERT INTO community_loads (run_id, loaded_by, file_name, sha256, period, published, outcome, reason, data_type, column_name)
                    SELECT $1, $2, e.file_name, e.sha256, e.period, e.published, e.outcome, e.reason, $3, $4
                    FROM unnest($5::text[], $6::text[], $7::date[], $8::date[], $9::text[], $10::text[])
                        WITH ORDINALITY AS e(file_name, sha256, period, published, outcome, reason, n)
                    ORDER BY e.n
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = runId },
                        new NpgsqlParameter { Value = CurrentUser },
                        new NpgsqlParameter { Value = dataType },
                        new NpgsqlParameter { Value = column },
                        Texts(entries.Select(e => e.File.FileName)),
                        Texts(entries.Select(e => e.File.Sha256)),
                        Dates(entries.Select(e => e.File.Period)),
                        Dates(entries.Select(e => e.File.Published)),
                        Texts(entries.Select(e => e.Outcome.ToString())),
                        Texts(entries.Select(e => e.Reason)),
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ledger rows <paramref name="query"/> selects, oldest first. Empty when the ledger table does not exist.</summary>
    public static async Task<IReadOnlyList<LoadRecord>> ReadAsync(DatabaseTarget database, LoadQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(query);
        var rows = new List<LoadRecord>();
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await LedgerSql.ExistsAsync(connection, LedgerSql.LoadsTable, cancellationToken).ConfigureAwait(false))
        {
            return rows;
        }

        var where = new List<string> { "true" };
        await using var read = new NpgsqlCommand { Connection = connection };
        if (query.Periods.Count > 0)
        {
            where.Add("l.period = ANY(@periods)");
            read.Parameters.Add(new NpgsqlParameter("periods", NpgsqlDbType.Array | NpgsqlDbType.Date)
            {
                Value = query.Periods.Select(p => new DateOnly(p.Year, p.Month, 1)).ToArray(),
            });
        }

        if (query.RunIds.Count > 0)
        {
            where.Add("l.run_id = ANY(@runs)");
            read.Parameters.Add(new NpgsqlParameter("runs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = query.RunIds.ToArray() });
        }

        if (query.FailedOnly)
        {
            where.Add("l.outcome = 'Failed'");
        }

        if (query.LastRuns is { } last)
        {
            where.Add("l.run_id IN (SELECT run_id FROM community_loads GROUP BY run_id ORDER BY min(id) DESC LIMIT @last)");
            read.Parameters.Add(new NpgsqlParameter("last", NpgsqlDbType.Integer) { Value = last });
        }

        read.CommandText = $"""
            SELECT l.id, l.run_id, l.loaded_at, l.loaded_by, l.file_name, l.sha256, l.period, l.published, l.outcome, l.reason,
                   l.trusts_updated, l.trusts_unchanged, l.trusts_rejected
            FROM community_loads l
            WHERE {string.Join(" AND ", where)}
            ORDER BY l.id
            """;
        await using NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new LoadRecord
            {
                LoadId = reader.GetInt64(0),
                RunId = reader.GetGuid(1),
                LoadedAt = reader.GetFieldValue<DateTimeOffset>(2),
                LoadedBy = reader.GetString(3),
                FileName = reader.GetString(4),
                Sha256 = reader.GetString(5),
                Period = reader.IsDBNull(6) ? null : Month.Of(reader.GetDateTime(6)),
                Published = reader.IsDBNull(7) ? null : reader.GetDateTime(7),
                Outcome = Enum.Parse<LoadOutcome>(reader.GetString(8)),
                Reason = reader.IsDBNull(9) ? null : reader.GetString(9),
                TrustsUpdated = reader.GetInt32(10),
                TrustsUnchanged = reader.GetInt32(11),
                TrustsRejected = reader.GetInt32(12),
            });
        }

        return rows;
    }

    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Dates(IEnumerable<DateTime?> values) =>
        new() { Value = values.Select(v => v is { } d ? (DateOnly?)DateOnly.FromDateTime(d) : null).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date };
}
