using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Database;

/// <summary>
/// What keeps two backfills (or a backfill and a restore) on one database from interleaving: a row in
/// community_backfill_lease that a run takes when it starts, renews as the first statement of each
/// month's transaction and deletes when it ends. A row rather than a session advisory lock because a
/// transaction-mode pooler hands each transaction to any server connection; an expiry so that a run
/// that died without releasing it frees the database by itself. Renewing locks the row until the month
/// commits, so a lease cannot change hands in the middle of a month, and a run whose lease was taken
/// over (or removed) fails its next month with nothing written.
/// </summary>
internal sealed class BackfillLease
{
    /// <summary>One lease per database: every backfill and restore of trust_metrics takes the same one.</summary>
    public const string Name = "community_backfill";

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(2);

    private readonly DatabaseTarget _database;
    private int _roundTrips;

    public BackfillLease(DatabaseTarget database, Guid runId, string holder, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "The lease must last longer than zero.");
        }

        _database = database;
        RunId = runId;
        Holder = holder;
        Duration = duration;
    }

    public Guid RunId { get; }

    public string Holder { get; }

    public TimeSpan Duration { get; }

    /// <summary>True from a successful take until release, or until a month finds the lease lost.</summary>
    public bool Held { get; private set; }

    /// <summary>True once a month found the lease taken over or removed: the run must write nothing more.</summary>
    public bool Lost { get; private set; }

    /// <summary>Round trips this object sent itself (release, and the look-up that names the holder in a message).</summary>
    public int RoundTrips => _roundTrips;

    /// <summary>"user on machine (process n)": who holds a lease, as other runs' messages show it.</summary>
    public static string DefaultHolder(string? activity = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.UserName} on {Environment.MachineName} (process {Environment.ProcessId}{(activity is null ? "" : ", " + activity)})");

    /// <summary>Statements for a start-up batch: take the lease if free, then read who holds it (one result set: see <see cref="ReadHolderAsync"/>).</summary>
    public IEnumerable<NpgsqlBatchCommand> TakeCommands()
    {
        yield return new NpgsqlBatchCommand(BackfillSql.TakeLease)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = Name, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = RunId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter { Value = Holder, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = Duration, NpgsqlDbType = NpgsqlDbType.Interval },
            },
        };
        yield return ReadCommand();
    }

    /// <summary>
    /// The first statement of every month's (and a restore's) transaction: extends the lease, locking its
    /// row until the transaction ends, or raises <see cref="BackfillSql.LeaseLost"/> so the whole
    /// transaction rolls back. A DO block because plain SQL cannot raise an error; the run id and
    /// duration are formatted by us (a Guid and a number), nothing the user typed.
    /// </summary>
    public NpgsqlBatchCommand RenewCommand() => new(RenewSql());

    public string RenewSql() => string.Create(CultureInfo.InvariantCulture, $"""
        DO $renew$
        BEGIN
            UPDATE community_backfill_lease SET expires_at = clock_timestamp() + interval '{(long)Math.Ceiling(Duration.TotalMilliseconds)} milliseconds'
            WHERE name = '{Name}' AND run_id = '{RunId:D}';
            IF NOT FOUND THEN
                RAISE EXCEPTION 'backfill run {RunId:D} no longer holds the lease' USING ERRCODE = '{BackfillSql.LeaseLost}';
            END IF;
        END
        $renew$
        """);

    public static bool IsLeaseLost(PostgresException e) => e.SqlState == BackfillSql.LeaseLost;

    /// <summary>Reads the holder row of <see cref="TakeCommands"/>; marks the lease held when it is this run's.</summary>
    public async Task<LeaseHolder?> ReadHolderAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        LeaseHolder? holder = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new LeaseHolder(reader.GetGuid(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3))
            : null;
        if (holder?.RunId == RunId)
        {
            Held = true;
            Lost = false;
        }

        return holder;
    }

    /// <summary>
    /// Tries <paramref name="attempt"/> (one start-up round trip that includes <see cref="TakeCommands"/>
    /// and returns the holder it read) until this run holds the lease, waiting with back-off up to
    /// <paramref name="wait"/>; then throws <see cref="BackfillLockedException"/> naming the holder.
    /// <paramref name="attempt"/> is given the time left, for its lock_timeout.
    /// </summary>
    public async Task TakeAsync(
        NpgsqlConnection connection,
        Func<TimeSpan, CancellationToken, Task<LeaseHolder?>> attempt,
        TimeSpan wait,
        string consequence,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan delay = FirstPoll;
        LeaseHolder? holder = null;
        while (true)
        {
            TimeSpan left = wait - clock.Elapsed;
            try
            {
                holder = await attempt(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
                if (Held)
                {
                    return;
                }
            }
            catch (PostgresException e) when (e.SqlState == BackfillSql.LockNotAvailable)
            {
                // The holder's month (or another run's start-up) kept the row locked for all the time left.
                holder = null;
            }

            left = wait - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                holder ??= await CurrentHolderAsync(connection, cancellationToken).ConfigureAwait(false);
                throw Busy(holder, wait, consequence);
            }

            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < LongestPoll ? delay * 2 : LongestPoll;
        }
    }

    /// <summary>Who holds the lease now, for a message; null if nobody does or it cannot be read (a plain read: never waits on locks).</summary>
    public async Task<LeaseHolder?> CurrentHolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { ReadCommand() } };
            Interlocked.Increment(ref _roundTrips);
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new LeaseHolder(reader.GetGuid(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3))
                : null;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>Marks the lease lost (a month found it taken over or removed); the run writes nothing more.</summary>
    public void MarkLost()
    {
        Held = false;
        Lost = true;
    }

    /// <summary>Deletes the lease if it is still this run's (one round trip); does nothing if it is not held.</summary>
    public async Task ReleaseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!Held)
        {
            return;
        }

        await using var release = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(BackfillSql.ReleaseLease)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = Name, NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { Value = RunId, NpgsqlDbType = NpgsqlDbType.Uuid },
                    },
                },
            },
        };
        Interlocked.Increment(ref _roundTrips);
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Held = false;
    }

    /// <summary>Another run held the lease for all of <paramref name="wait"/>.</summary>
    public BackfillLockedException Busy(LeaseHolder? holder, TimeSpan wait, string consequence)
    {
        string waited = string.Create(CultureInfo.InvariantCulture, $"{wait.TotalSeconds:0.#} s");
        return new BackfillLockedException(holder is null
            ? $"Another backfill is running on {_database.Description}: it did not let this run start within {waited}. {consequence}"
            : $"Another backfill ({holder.Describe()}) is running on {_database.Description}: it did not finish within {waited}. {consequence} "
              + string.Create(CultureInfo.InvariantCulture, $"If that run stopped without finishing, its lease expires by itself at {holder.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC."));
    }

    /// <summary>This run's lease was taken over or removed before <paramref name="what"/>.</summary>
    public BackfillLockedException LostTo(LeaseHolder? holder, string what, Exception? innerException = null) => new(
        $"Backfill run {RunId} no longer holds its lease on {_database.Description} "
        + (holder is null ? "(the lease row was removed)" : $"(another backfill, {holder.Describe()}, holds it now)")
        + $", so it stopped: nothing of {what} was written, and no later month will be, so the runs cannot interleave. "
        + $"This happens when a run pauses for longer than its lease ({Duration.TotalMinutes:0.#} min) and another starts; run again when the other has finished.",
        innerException);

    private static NpgsqlBatchCommand ReadCommand() => new(BackfillSql.ReadLease)
    {
        Parameters = { new NpgsqlParameter { Value = Name, NpgsqlDbType = NpgsqlDbType.Text } },
    };
}
