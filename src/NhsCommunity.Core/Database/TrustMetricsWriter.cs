using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using NhsCommunity.Documents;
using NhsCommunity.Ledger;

namespace NhsCommunity.Database;

/// <summary>
/// Writes community_data documents into existing trust_metrics rows, one month at a time: each month is
/// ONE batch sent in ONE round trip and run as ONE implicit transaction (renew the run's lease; update only
/// rows whose stored jsonb differs; optionally insert missing rows; keep each change as a history version),
/// so a month is written whole or not at all. The run takes the backfill lease in
/// <see cref="PrepareAsync"/> and gives it back in <see cref="ReleaseAsync"/> (or on dispose), so two runs
/// on one database never interleave. Nothing relies on session state (no prepared statements, temporary
/// tables or session locks), which is what transaction-mode poolers such as Supabase's port 6543 need.
/// </summary>
public sealed class TrustMetricsWriter : IAsyncDisposable
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly DatabaseTarget _database;
    private readonly TrustMetricsWriteOptions _options;
    private readonly string _column;
    private readonly BackfillLease _lease;
    private NpgsqlConnection? _connection;
    private int _serverPid;
    private int _roundTrips;

    // Who had the lease when a month found it lost, for the messages of the months refused after it.
    private LeaseHolder? _lostTo;

    // The sizes of trust_code and trust_name, read from the catalog when the run starts.
    private ColumnLimits _limits = ColumnLimits.Unknown;

    public TrustMetricsWriter(DatabaseTarget database, TrustMetricsWriteOptions options)
    {
        _database = database;
        _options = options;
        _column = SqlIdentifier.Quote(options.Column);
        if (string.IsNullOrWhiteSpace(options.DataType))
        {
            throw new ArgumentException("The data type must not be empty.", nameof(options));
        }

        _lease = new BackfillLease(database, options.RunId, BackfillLease.DefaultHolder(), options.LeaseDuration);
    }

    /// <summary>
    /// Statements sent to the server so far (each batch counts once): what the "one round trip a month"
    /// promise is measured by. A run costs one to start (more only while it waits for another run), one a
    /// month and one to release its lease.
    /// </summary>
    public int RoundTrips => _roundTrips + _lease.RoundTrips;

    public Guid RunId => _options.RunId;

    /// <summary>
    /// Once per run, before the first month, in one round trip: creates the lease, ledger and history tables if
    /// missing, takes the backfill lease and checks that the column exists and is jsonb. While another run
    /// holds the lease it tries again with back-off for up to <see cref="TrustMetricsWriteOptions.LockTimeout"/>.
    /// Throws <see cref="DatabaseUnavailableException"/>, <see cref="BackfillLockedException"/> (naming the
    /// other run) or <see cref="TrustMetricsSchemaException"/> (nothing created) with a message that says what to do.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            NpgsqlConnection connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            await _lease.TakeAsync(
                connection,
                (left, token) => TryTakeAsync(connection, left, token),
                _options.LockTimeout,
                "Nothing of this run was written; run again when it has finished.",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw new DatabaseUnavailableException($"Could not prepare {_database.Description} for the backfill: {_database.Redact(e.Message)}", e);
        }
    }

    /// <summary>
    /// Gives the lease back (one round trip) so another backfill can start at once. Safe to call more than
    /// once; <see cref="DisposeAsync"/> calls it too, so a failed or cancelled run releases it as well
    /// (and if even that fails, the lease expires by itself after <see cref="TrustMetricsWriteOptions.LeaseDuration"/>).
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!_lease.Held)
        {
            return;
        }

        try
        {
            await _lease.ReleaseAsync(await ConnectionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or DatabaseUnavailableException or IOException)
        {
            // The connection broke (a killed backend, a cancelled command): one more try on a fresh one.
            await DropConnectionAsync().ConfigureAwait(false);
            await _lease.ReleaseAsync(await ConnectionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one month. Transient failures are retried with exponential back-off; a month that still
    /// fails (or finds that the run's lease was taken over or removed) comes back with <see cref="MonthWriteOutcome.Failure"/>
    /// set and every document Failed, and nothing of it written.
    /// </summary>
    public Task<MonthWriteOutcome> WriteMonthAsync(DateTime period, IReadOnlyList<CommunityDocument> documents, CancellationToken cancellationToken) =>
        WriteMonthAsync(period, documents, null, cancellationToken);

    /// <summary>
    /// Writes one month, as above; with <paramref name="source"/> (the workbook the month's documents came from),
    /// its ledger row (Loaded or Unchanged, with the counts) is written in the month's own transaction.
    /// </summary>
    public async Task<MonthWriteOutcome> WriteMonthAsync(DateTime period, IReadOnlyList<CommunityDocument> documents, LoadFile? source, CancellationToken cancellationToken)
    {
        string? duplicate = documents.GroupBy(d => d.TrustCode, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"Trust {duplicate} has more than one document for {period:yyyy-MM}; a month takes one document per trust.", nameof(documents));
        }

        if (!_lease.Held && !_lease.Lost)
        {
            throw new InvalidOperationException("PrepareAsync must succeed before a month is written: it takes the backfill lease.");
        }

        var clock = Stopwatch.StartNew();
        int roundTripsBefore = RoundTrips;
        DateTime month = new(period.Year, period.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);

        // Values the table cannot store would fail the whole month: they are reported for their trust instead.
        TrustMetricsValueCheck.MonthSplit split = new TrustMetricsValueCheck(_limits, _options.AddMissingRows).Split(documents, month, _options.RunId);
        if (split.Writable.Count == 0)
        {
            return new MonthWriteOutcome(month, split.Rejected, 0, 0, clock.Elapsed, null);
        }

        documents = split.Writable;
        Exception? failure = null;
        int attempt = 0;
        while (attempt < Math.Max(1, _options.MaxAttempts))
        {
            if (_lease.Lost)
            {
                // An earlier month found the lease gone: writing on could interleave with the run that has it.
                failure = _lease.LostTo(_lostTo, $"{month:yyyy-MM}");
                break;
            }

            attempt++;
            try
            {
                IReadOnlyList<TrustMetricsWriteResult> results = await WriteOnceAsync(month, documents, source, split.Rejected.Count, cancellationToken).ConfigureAwait(false);
                return new MonthWriteOutcome(month, split.Merge(results), RoundTrips - roundTripsBefore, attempt, clock.Elapsed, null);
            }
            catch (Exception e) when (DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
            {
                // Not retried: the same wait would only take as long again. The month's transaction rolled back.
                failure = await _database.ExplainTimeoutAsync($"Writing {month:yyyy-MM} to trust_metrics", e, _options.LockTimeout, WrittenTables, LockProbe.BlockingWrites, _serverPid).ConfigureAwait(false);
                await DropConnectionAsync().ConfigureAwait(false);
                break;
            }
            catch (PostgresException e) when (BackfillLease.IsLeaseLost(e))
            {
                _lease.MarkLost();
                _lostTo = await _lease.CurrentHolderAsync(await ConnectionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                failure = _lease.LostTo(_lostTo, $"{month:yyyy-MM}", e);
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
            BackfillLockedException or DatabaseTimeoutException => failure.Message,
            DatabaseUnavailableException unavailable => unavailable.Message + $" (after {attempt} attempt(s))",
            _ => $"Writing {month:yyyy-MM} to {_database.Description} failed after {attempt} attempt(s): {_database.Redact(failure?.Message ?? "unknown error")}. Nothing of that month was written; run again to complete it.",
        };
        var failed = split.Merge(documents.Select(d => new TrustMetricsWriteResult(d.TrustCode, Month.Of(month), TrustMetricsWriteStatus.Failed, reason, _options.RunId)));
        Exception reported = failure is BackfillLockedException or DatabaseTimeoutException ? failure : new TrustMetricsWriteException(reason, failure);
        return new MonthWriteOutcome(month, failed, RoundTrips - roundTripsBefore, attempt, clock.Elapsed, reported);
    }

    /// <summary>Releases the lease if the run still holds it (failures ignored: it then expires by itself) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReleaseTimeout);
            await ReleaseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or DatabaseUnavailableException or IOException or OperationCanceledException)
        {
            // Nothing more to do: the lease expires after LeaseDuration.
        }

        await DropConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>Dropped connections, serialization failures, deadlocks and server shutdowns or restarts.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        DatabaseUnavailableException u => u.InnerException is not null && IsTransient(u.InnerException),
        IOException or TimeoutException => true,
        _ => false,
    };

    private async Task<IReadOnlyList<TrustMetricsWriteResult>> WriteOnceAsync(DateTime month, IReadOnlyList<CommunityDocument> documents, LoadFile? source, int rejected, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        _serverPid = connection.ProcessID;
        await using NpgsqlBatch batch = MonthBatch(connection, month, documents, source, rejected);
        Interlocked.Increment(ref _roundTrips);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        // The lock timeout returns one row and the lease renewal none; the write returns one row per document.
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var byCode = new Dictionary<string, TrustMetricsWriteResult>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string code = reader.GetString(0);
            var status = Enum.Parse<TrustMetricsWriteStatus>(reader.GetString(1));
            string reason = Reason(status, wasEmpty: !reader.IsDBNull(2) && reader.GetBoolean(2), trustKnown: reader.GetBoolean(3), hasName: reader.GetBoolean(4), month);
            byCode[code] = new TrustMetricsWriteResult(code, Month.Of(month), status, reason, _options.RunId);
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
        TrustMetricsWriteStatus.Updated => $"{_options.Column} differed; replaced (previous value kept in the history)",
        TrustMetricsWriteStatus.Unchanged => $"{_options.Column} already holds this document",
        TrustMetricsWriteStatus.Inserted => $"no row for {month:yyyy-MM}; inserted (ICB from the trust's other rows where there are any)",
        TrustMetricsWriteStatus.NotInDatabase when _options.AddMissingRows && !hasName => "no row for this trust and month, and the document has no trust name to insert one with",
        TrustMetricsWriteStatus.NotInDatabase when trustKnown => $"trust_metrics has this trust but no '{_options.DataType}' row for {month:yyyy-MM}; use -AddMissingRows to insert one",
        TrustMetricsWriteStatus.NotInDatabase => "trust_metrics has no row for this trust in any month (e.g. a community-only trust); use -AddMissingRows to insert one",
        _ => "",
    };

    private NpgsqlBatch MonthBatch(NpgsqlConnection connection, DateTime month, IReadOnlyList<CommunityDocument> documents, LoadFile? source, int rejected)
    {
        // History: every trust-month the statement changes gets a new version from now() (the transaction's one
        // timestamp, so the old version's valid_to equals the new one's valid_from); the first time the module
        // touches a trust-month, the value that stood before is kept too ('Before', valid from -infinity; a row
        // the module inserts has a no-row before-version). When the row is not what the current version says (another
        // loader changed the document or updated_at since), what the write found is kept as a 'Before' version of no
        // length, at now(), ordered before the write by its valid_to: a restore puts back exactly what was overwritten.
        // The ledger row of the month's file goes in the same
        // statement, so table, history and ledger never disagree.
        string write = $"""
            WITH input AS (
                SELECT i.trust_code, i.document::jsonb AS document, i.trust_name, i.source_file, i.published
                FROM unnest($1::text[], $2::text[], $3::text[], $9::text[], $10::date[]) AS i(trust_code, document, trust_name, source_file, published)
            ),
            existing AS (
                SELECT m.id, m.trust_code, m.{_column} AS previous, m.updated_at AS previous_updated_at, i.document,
                       m.trust_name::text AS row_trust_name, m.icb_code::text AS icb_code, m.icb_name::text AS icb_name, i.source_file, i.published
                FROM trust_metrics m JOIN input i ON i.trust_code = m.trust_code
                WHERE m.period = $4 AND m.data_type = $5
                FOR UPDATE OF m
            ),
            changed AS (
                SELECT * FROM existing WHERE previous IS DISTINCT FROM document
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
                RETURNING trust_code, trust_name::text AS trust_name, icb_code::text AS icb_code, icb_name::text AS icb_name, {_column} AS document
            ),
            ledger AS (
                INSERT INTO community_loads (run_id, loaded_at, loaded_by, file_name, sha256, period, published, outcome,
                                             trusts_updated, trusts_unchanged, trusts_rejected, data_type, column_name)
                SELECT $6, now(), $14, $11, $12, $4, $13,
                       CASE WHEN (SELECT count(*) FROM changed) + (SELECT count(*) FROM inserted) > 0 THEN 'Loaded' ELSE 'Unchanged' END,
                       (SELECT count(*) FROM changed) + (SELECT count(*) FROM inserted),
                       (SELECT count(*) FROM existing) - (SELECT count(*) FROM changed),
                       (SELECT count(*) FROM input) - (SELECT count(*) FROM existing) - (SELECT count(*) FROM inserted) + $15,
                       $5, $7
                WHERE $11::text IS NOT NULL
                RETURNING id
            ),
            touched AS (
                SELECT c.trust_code::text AS trust_code, true AS had_row, c.previous, c.previous_updated_at, c.document,
                       c.row_trust_name AS trust_name, c.icb_code, c.icb_name, c.source_file, c.published
                FROM changed c
                UNION ALL
                SELECT n.trust_code::text, false, NULL, NULL, n.document, n.trust_name, n.icb_code, n.icb_name, i.source_file, i.published
                FROM inserted n JOIN input i ON i.trust_code = n.trust_code
            ),
            closed AS (
                UPDATE community_data_history h SET valid_to = now()
                FROM touched t
                WHERE h.trust_code = t.trust_code AND h.period = $4 AND h.data_type = $5 AND h.column_name = $7 AND h.valid_to = 'infinity'
            ),
            first_seen AS (
                INSERT INTO community_data_history (trust_code, period, data_type, column_name, kind, had_row, document,
                                                    trust_name, icb_code, icb_name, row_updated_at, valid_from, valid_to)
                SELECT t.trust_code, $4, $5, $7, 'Before', t.had_row, t.previous, t.trust_name, t.icb_code, t.icb_name, t.previous_updated_at, '-infinity', now()
                FROM touched t
                WHERE NOT EXISTS (SELECT 1 FROM community_data_history h
                                  WHERE h.trust_code = t.trust_code AND h.period = $4 AND h.data_type = $5 AND h.column_name = $7)
            ),
            outside AS (
                INSERT INTO community_data_history (trust_code, period, data_type, column_name, kind, had_row, document,
                                                    trust_name, icb_code, icb_name, row_updated_at, valid_from, valid_to)
                SELECT t.trust_code, $4, $5, $7, 'Before', t.had_row, t.previous, t.trust_name, t.icb_code, t.icb_name, t.previous_updated_at, now(), now()
                FROM touched t
                JOIN community_data_history h
                  ON h.trust_code = t.trust_code AND h.period = $4 AND h.data_type = $5 AND h.column_name = $7 AND h.valid_to = 'infinity'
                WHERE h.had_row IS DISTINCT FROM t.had_row OR h.document IS DISTINCT FROM t.previous OR h.row_updated_at IS DISTINCT FROM t.previous_updated_at
            ),
            versions AS (
                INSERT INTO community_data_history (trust_code, period, data_type, column_name, kind, had_row, document,
                                                    trust_name, icb_code, icb_name, row_updated_at, valid_from, run_id, source_file, published, load_id)
                SELECT t.trust_code, $4, $5, $7, 'Write', true, t.document, t.trust_name, t.icb_code, t.icb_name, now(), now(), $6,
                       nullif(t.source_file, ''), t.published, (SELECT id FROM ledger)
                FROM touched t
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
            Timeout = DatabaseWaits.ClientSeconds(Longer(_database.Timeout, _options.LockTimeout)),
            BatchCommands =
            {
                DatabaseWaits.SetCommand(_database.Timeout, _options.LockTimeout),

                // First, so the lease row stays locked (cannot change hands) until the month commits.
                _lease.RenewCommand(),
                new NpgsqlBatchCommand(write)
                {
                    Parameters =
                    {
                        Texts(documents.Select(d => d.TrustCode)),
                        Texts(documents.Select(d => d.Json)),
                        Texts(documents.Select(d => _options.AddMissingRows ? d.TrustName ?? "" : "")),
                        new NpgsqlParameter { Value = DateOnly.FromDateTime(month), NpgsqlDbType = NpgsqlDbType.Date },
                        new NpgsqlParameter { Value = _options.DataType, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = _options.RunId, NpgsqlDbType = NpgsqlDbType.Uuid },
                        new NpgsqlParameter { Value = _options.Column, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = _options.AddMissingRows, NpgsqlDbType = NpgsqlDbType.Boolean },
                        Texts(documents.Select(d => Path.GetFileName(d.SourceFile))),
                        new NpgsqlParameter
                        {
                            Value = documents.Select(d => d.LastUpdated is { } p ? (DateOnly?)DateOnly.FromDateTime(p) : null).ToArray(),
                            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
                        },
                        new NpgsqlParameter { Value = (object?)source?.FileName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = (object?)source?.Sha256 ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter
                        {
                            Value = source?.Published is { } published ? DateOnly.FromDateTime(published) : DBNull.Value,
                            NpgsqlDbType = NpgsqlDbType.Date,
                        },
                        new NpgsqlParameter { Value = LoadLedger.CurrentUser, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = rejected, NpgsqlDbType = NpgsqlDbType.Integer },
                    },
                },
            },
        };
    }

    private static NpgsqlParameter Texts(IEnumerable<string> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>
    /// One start-up attempt, one round trip, one transaction: under the start-up lock, check that trust_metrics
    /// has the column as jsonb, create what is missing, try to take the lease and read who holds it. The check
    /// comes first, so on a database without the table or column the transaction rolls back having created
    /// nothing; it throws <see cref="TrustMetricsSchemaException"/> at once, since waiting would not fix it.
    /// </summary>
    private async Task<LeaseHolder?> TryTakeAsync(NpgsqlConnection connection, TimeSpan left, CancellationToken cancellationToken)
    {
        TimeSpan statement = Longer(left, _database.Timeout);
        await using var batch = new NpgsqlBatch(connection)
        {
            Timeout = DatabaseWaits.ClientSeconds(statement),
            BatchCommands =
            {
                DatabaseWaits.SetCommand(statement, left),
                new NpgsqlBatchCommand(BackfillSql.TakeLock) { Parameters = { new NpgsqlParameter { Value = BackfillSql.LockKey } } },
                new NpgsqlBatchCommand(BackfillSql.CheckSchema(_options.Column)),
                new NpgsqlBatchCommand(BackfillSql.CreateLeaseTable),
                new NpgsqlBatchCommand(LedgerSql.CreateTables),
            },
        };
        foreach (NpgsqlBatchCommand take in _lease.TakeCommands())
        {
            batch.BatchCommands.Add(take);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(ColumnLimits.Sql));

        Interlocked.Increment(ref _roundTrips);
        try
        {
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

            // Result sets: the timeouts, the start-up lock, the lease holder, the column limits (DO, CREATE and INSERT return none).
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            LeaseHolder? holder = await _lease.ReadHolderAsync(reader, cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            _limits = await ColumnLimits.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                // Drain: the implicit transaction commits when the whole batch has completed.
            }

            return holder;
        }
        catch (PostgresException e) when (e.SqlState is BackfillSql.NoTable or BackfillSql.NoColumn or BackfillSql.NotJsonb)
        {
            throw SchemaProblem(e);
        }
    }

    private TrustMetricsSchemaException SchemaProblem(PostgresException e) => e.SqlState switch
    {
        BackfillSql.NoTable => new TrustMetricsSchemaException(
            TrustMetricsSchemaException.TableNotFound,
            $"{_database.Description} has no table trust_metrics (on its search path), so nothing was written and nothing was created there. Check that the connection names the right database.",
            e),
        BackfillSql.NoColumn => new TrustMetricsSchemaException(
            TrustMetricsSchemaException.ColumnNotFound,
            $"trust_metrics on {_database.Description} has no column '{_options.Column}', so nothing was written and nothing was created there. Give the name of its community jsonb column with -Column.",
            e),
        _ => new TrustMetricsSchemaException(
            TrustMetricsSchemaException.ColumnNotJsonb,
            $"Column '{_options.Column}' of trust_metrics on {_database.Description} is {e.MessageText}, not jsonb, so nothing was written and nothing was created there. Give the jsonb column with -Column, or change the column to jsonb.",
            e),
    };

    private static TimeSpan Longer(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The tables a month writes: what a timed-out month may have waited for.</summary>
    private static readonly string[] WrittenTables = ["trust_metrics", BackfillSql.LeaseTable, LedgerSql.LoadsTable, LedgerSql.HistoryTable];

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
