using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using NhsCommunity.Documents;

namespace NhsCommunity.Database;

/// <summary>
/// Writes community_data documents into existing trust_metrics rows, one month at a time: each month is
/// ONE batch sent in ONE round trip and run as ONE implicit transaction (take the backfill lock with a
/// bounded wait; keep the previous value of every row it changes; update only rows whose stored jsonb
/// differs; optionally insert missing rows), so a month is written whole or not at all. Nothing relies
/// on session state (no prepared statements, temporary tables or session locks), which is what
/// transaction-mode poolers such as Supabase's port 6543 need.
/// </summary>
public sealed class TrustMetricsWriter : IAsyncDisposable
{
    private readonly DatabaseTarget _database;
    private readonly TrustMetricsWriteOptions _options;
    private readonly string _column;
    private NpgsqlConnection? _connection;
    private int _roundTrips;

    // True while the batch in flight is waiting for the backfill lock, to tell its lock timeout from a row lock's.
    private bool _awaitingLock;

    public TrustMetricsWriter(DatabaseTarget database, TrustMetricsWriteOptions options)
    {
        _database = database;
        _options = options;
        _column = SqlIdentifier.Quote(options.Column);
        if (string.IsNullOrWhiteSpace(options.DataType))
        {
            throw new ArgumentException("The data type must not be empty.", nameof(options));
        }
    }

    /// <summary>Statements sent to the server so far (each batch counts once): what the "one round trip a month" promise is measured by.</summary>
    public int RoundTrips => _roundTrips;

    public Guid RunId => _options.RunId;

    /// <summary>
    /// Once per run, before the first month: creates the backup table if missing and checks that the
    /// column exists and is jsonb (one round trip). Throws <see cref="DatabaseUnavailableException"/>
    /// <see cref="BackfillLockedException"/> or <see cref="InvalidOperationException"/> with a message that says what to do.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _awaitingLock = false;
        NpgsqlConnection connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // Under the lock, so two runs starting at once do not race to create the table.
                SetLockTimeoutCommand(),
                TakeLockCommand(),
                new NpgsqlBatchCommand(BackfillSql.CreateBackupTable),
                new NpgsqlBatchCommand(BackfillSql.CreateBackupIndex),
                new NpgsqlBatchCommand(BackfillSql.ColumnType) { Parameters = { new NpgsqlParameter { Value = _options.Column } } },
            },
        };

        string? type;
        try
        {
            Interlocked.Increment(ref _roundTrips);
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await PassLockAsync(reader, cancellationToken).ConfigureAwait(false);

            // The CREATE statements return no result set: the next one is the column's type.
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            type = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;
        }
        catch (PostgresException e) when (IsLockTimeout(e))
        {
            throw Locked("this run", e);
        }
        catch (NpgsqlException e)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw new DatabaseUnavailableException($"Could not prepare {_database.Description} for the backfill: {_database.Redact(e.Message)}", e);
        }

        if (type is null)
        {
            throw new InvalidOperationException($"trust_metrics on {_database.Description} has no column '{_options.Column}'. Give the name of its community jsonb column with -Column.");
        }

        if (type != "jsonb")
        {
            throw new InvalidOperationException($"Column '{_options.Column}' of trust_metrics on {_database.Description} is {type}, not jsonb.");
        }
    }

    /// <summary>
    /// Writes one month. Transient failures are retried with exponential back-off; a month that still
    /// fails (or finds another backfill holding the lock) comes back with <see cref="MonthWriteOutcome.Failure"/>
    /// set and every document Failed, and nothing of it written.
    /// </summary>
    public async Task<MonthWriteOutcome> WriteMonthAsync(DateTime period, IReadOnlyList<CommunityDocument> documents, CancellationToken cancellationToken)
    {
        string? duplicate = documents.GroupBy(d => d.TrustCode, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"Trust {duplicate} has more than one document for {period:yyyy-MM}; a month takes one document per trust.", nameof(documents));
        }

        var clock = Stopwatch.StartNew();
        int roundTripsBefore = _roundTrips;
        DateTime month = new(period.Year, period.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        Exception? failure = null;
        int attempt = 0;
        while (attempt < Math.Max(1, _options.MaxAttempts))
        {
            attempt++;
            try
            {
                IReadOnlyList<TrustMetricsWriteResult> results = await WriteOnceAsync(month, documents, cancellationToken).ConfigureAwait(false);
                return new MonthWriteOutcome(month, results, _roundTrips - roundTripsBefore, attempt, clock.Elapsed, null);
            }
            catch (PostgresException e) when (IsLockTimeout(e))
            {
                failure = Locked($"{month:yyyy-MM}", e);
                break;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failure = e;
                await DropConnectionAsync().ConfigureAwait(false);
                if (attempt < _options.MaxAttempts)
                {
                    await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException e)
            {
                failure = e;
                await DropConnectionAsync().ConfigureAwait(false);
                break;
            }
        }

        string reason = failure switch
        {
            BackfillLockedException locked => locked.Message,
            DatabaseUnavailableException unavailable => unavailable.Message + $" (after {attempt} attempt(s))",
            _ => $"Writing {month:yyyy-MM} to {_database.Description} failed after {attempt} attempt(s): {_database.Redact(failure?.Message ?? "unknown error")}. Nothing of that month was written; run again to complete it.",
        };
        var failed = documents.Select(d => new TrustMetricsWriteResult(d.TrustCode, month, TrustMetricsWriteStatus.Failed, reason, _options.RunId)).ToList();
        Exception reported = failure is BackfillLockedException ? failure : new TrustMetricsWriteException(reason, failure);
        return new MonthWriteOutcome(month, failed, _roundTrips - roundTripsBefore, attempt, clock.Elapsed, reported);
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync().ConfigureAwait(false);

    /// <summary>Dropped connections, serialization failures, deadlocks and server shutdowns or restarts.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        DatabaseUnavailableException u => u.InnerException is not null && IsTransient(u.InnerException),
        IOException or TimeoutException => true,
        _ => false,
    };

    private async Task<IReadOnlyList<TrustMetricsWriteResult>> WriteOnceAsync(DateTime month, IReadOnlyList<CommunityDocument> documents, CancellationToken cancellationToken)
    {
        _awaitingLock = false;
        NpgsqlConnection connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlBatch batch = MonthBatch(connection, month, documents);
        Interlocked.Increment(ref _roundTrips);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        // The lock timeout and the lock return one row each; the write returns one row per document.
        await PassLockAsync(reader, cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var byCode = new Dictionary<string, TrustMetricsWriteResult>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string code = reader.GetString(0);
            var status = Enum.Parse<TrustMetricsWriteStatus>(reader.GetString(1));
            string reason = Reason(status, wasEmpty: !reader.IsDBNull(2) && reader.GetBoolean(2), trustKnown: reader.GetBoolean(3), hasName: reader.GetBoolean(4), month);
            byCode[code] = new TrustMetricsWriteResult(code, month, status, reason, _options.RunId);
        }

        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            // Drain: the implicit transaction commits when the whole batch has completed.
        }

        return documents.Select(d => byCode[d.TrustCode]).ToList();
    }

    private string Reason(TrustMetricsWriteStatus status, bool wasEmpty, bool trustKnown, bool hasName, DateTime month) => status switch
    {
        TrustMetricsWriteStatus.Updated when wasEmpty => $"{_options.Column} was empty; filled",
        TrustMetricsWriteStatus.Updated => $"{_options.Column} differed; replaced (previous value kept under the run id)",
        TrustMetricsWriteStatus.Unchanged => $"{_options.Column} already holds this document",
        TrustMetricsWriteStatus.Inserted => $"no row for {month:yyyy-MM}; inserted (ICB from the trust's other rows where there are any)",
        TrustMetricsWriteStatus.NotInDatabase when _options.AddMissingRows && !hasName => "no row for this trust and month, and the document has no trust name to insert one with",
        TrustMetricsWriteStatus.NotInDatabase when trustKnown => $"trust_metrics has this trust but no '{_options.DataType}' row for {month:yyyy-MM}; use -AddMissingRows to insert one",
        TrustMetricsWriteStatus.NotInDatabase => "trust_metrics has no row for this trust in any month (e.g. a community-only trust); use -AddMissingRows to insert one",
        _ => "",
    };

    private NpgsqlBatch MonthBatch(NpgsqlConnection connection, DateTime month, IReadOnlyList<CommunityDocument> documents)
    {
        string write = $"""
            WITH input AS (
                SELECT i.trust_code, i.document::jsonb AS document, i.trust_name
                FROM unnest($1::text[], $2::text[], $3::text[]) AS i(trust_code, document, trust_name)
            ),
            existing AS (
                SELECT m.id, m.trust_code, m.{_column} AS previous, m.updated_at AS previous_updated_at, i.document
                FROM trust_metrics m JOIN input i ON i.trust_code = m.trust_code
                WHERE m.period = $4 AND m.data_type = $5
                FOR UPDATE OF m
            ),
            changed AS (
                SELECT * FROM existing WHERE previous IS DISTINCT FROM document
            ),
            saved AS (
                INSERT INTO community_data_backups (run_id, trust_code, period, data_type, column_name, previous, previous_updated_at, had_row)
                SELECT $6, trust_code, $4, $5, $7, previous, previous_updated_at, true FROM changed
            ),
            updated AS (
                UPDATE trust_metrics m SET {_column} = c.document, updated_at = now()
                FROM changed c WHERE m.id = c.id
                RETURNING m.trust_code
            ),
            inserted AS (
                INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, icb_name, {_column})
                SELECT i.trust_code, i.trust_name, $4, $5, icb.icb_code, icb.icb_name, i.document
                FROM input i
                LEFT JOIN LATERAL (
                    SELECT t.icb_code, t.icb_name FROM trust_metrics t
                    WHERE t.trust_code = i.trust_code AND t.icb_code IS NOT NULL
                    ORDER BY t.period DESC LIMIT 1
                ) icb ON true
                WHERE $8 AND i.trust_name <> '' AND NOT EXISTS (SELECT 1 FROM existing e WHERE e.trust_code = i.trust_code)
                RETURNING trust_code
            ),
            saved_inserted AS (
                INSERT INTO community_data_backups (run_id, trust_code, period, data_type, column_name, previous, previous_updated_at, had_row)
                SELECT $6, trust_code, $4, $5, $7, NULL, NULL, false FROM inserted
            )
            SELECT i.trust_code,
                   CASE WHEN u.trust_code IS NOT NULL THEN 'Updated'
                        WHEN n.trust_code IS NOT NULL THEN 'Inserted'
                        WHEN e.trust_code IS NOT NULL THEN 'Unchanged'
                        ELSE 'NotInDatabase' END,
                   e.previous IS NULL AND e.trust_code IS NOT NULL,
                   EXISTS (SELECT 1 FROM trust_metrics t WHERE t.trust_code = i.trust_code),
                   i.trust_name <> ''
            FROM input i
            LEFT JOIN updated u ON u.trust_code = i.trust_code
            LEFT JOIN inserted n ON n.trust_code = i.trust_code
            LEFT JOIN existing e ON e.trust_code = i.trust_code
            """;

        return new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                SetLockTimeoutCommand(),
                TakeLockCommand(),
                new NpgsqlBatchCommand(write)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = documents.Select(d => d.TrustCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = documents.Select(d => d.Json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = documents.Select(d => d.TrustName ?? "").ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = DateOnly.FromDateTime(month), NpgsqlDbType = NpgsqlDbType.Date },
                        new NpgsqlParameter { Value = _options.DataType, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = _options.RunId, NpgsqlDbType = NpgsqlDbType.Uuid },
                        new NpgsqlParameter { Value = _options.Column, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = _options.AddMissingRows, NpgsqlDbType = NpgsqlDbType.Boolean },
                    },
                },
            },
        };
    }

    private NpgsqlBatchCommand SetLockTimeoutCommand() => new(BackfillSql.SetLockTimeout)
    {
        Parameters = { new NpgsqlParameter { Value = ((long)_options.LockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
    };

    private static NpgsqlBatchCommand TakeLockCommand() => new(BackfillSql.TakeLock) { Parameters = { new NpgsqlParameter { Value = BackfillSql.LockKey } } };

    /// <summary>Moves the reader past the lock timeout's result to the lock's: the point where another backfill makes us wait.</summary>
    private async Task PassLockAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        // Cleared only on success: a failure leaves it set for the caller's catch to read.
        _awaitingLock = true;
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        _awaitingLock = false;
    }

    private bool IsLockTimeout(PostgresException e) => e.SqlState == BackfillSql.LockNotAvailable && _awaitingLock;

    private BackfillLockedException Locked(string what, PostgresException e) => new(
        $"Another backfill is running on {_database.Description}: its lock was not released within {_options.LockTimeout.TotalSeconds:0.#} s. Nothing of {what} was written; run again when it has finished.", e);

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken) =>
        _connection ??= await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            NpgsqlConnection broken = _connection;
            _connection = null;
            try
            {
                await broken.DisposeAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // Already broken: nothing to close.
            }
        }
    }
}
