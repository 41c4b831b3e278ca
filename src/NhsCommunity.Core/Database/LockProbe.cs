using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// When a command times out, finds out on a separate short connection which other sessions held locks it
/// had to wait for, and turns the timeout into a <see cref="DatabaseTimeoutException"/> that names them.
/// </summary>
internal static class LockProbe
{
    /// <summary>Lock modes that block a plain read (ACCESS SHARE).</summary>
    public static readonly IReadOnlyList<string> BlockingReads = ["AccessExclusiveLock"];

    /// <summary>
    /// Lock modes that block a write (ROW EXCLUSIVE), and those of sessions that may hold row locks a write
    /// waits for (their own writes or SELECT ... FOR UPDATE, until their transactions end).
    /// </summary>
    public static readonly IReadOnlyList<string> BlockingWrites =
        ["RowShareLock", "RowExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// $1 = tables, $2 = lock modes, $3 = this command's own server pids. Other sessions holding one of those
    /// modes on one of those tables, and any session blocking one of our own pids still waiting (pg_blocking_pids).
    /// </summary>
    private const string HoldersSql = """
        WITH held AS (
            SELECT l.pid, l.mode || ' on ' || l.relation::regclass::text AS lock
            FROM pg_locks l
            WHERE l.locktype = 'relation' AND l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.relation IN (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
              AND l.mode = ANY ($2::text[])
            UNION
            SELECT b.pid, 'a lock this command waits for'
            FROM unnest($3::int[]) AS w(pid), unnest(pg_blocking_pids(w.pid)) AS b(pid)
        )
        SELECT a.pid, array_agg(DISTINCT h.lock ORDER BY h.lock), coalesce(a.usename::text, ''), coalesce(a.application_name, ''),
               coalesce(a.state, ''), coalesce(extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, a.backend_start)), 0)::float8,
               coalesce(left(regexp_replace(a.query, '\s+', ' ', 'g'), 200), '')
        FROM held h JOIN pg_stat_activity a ON a.pid = h.pid
        WHERE a.pid <> pg_backend_pid() AND a.pid <> ALL ($3::int[])
        GROUP BY a.pid, a.usename, a.application_name, a.state, a.xact_start, a.query_start, a.backend_start, a.query
        ORDER BY 6 DESC, 1
        """;

    /// <summary>
    /// The timeout <paramref name="failure"/> as a <see cref="DatabaseTimeoutException"/>, naming the sessions that
    /// held conflicting locks on <paramref name="tables"/> (looked up on a fresh connection of its own, bounded too;
    /// if that look-up fails, the exception says only what timed out).
    /// </summary>
    public static async Task<DatabaseTimeoutException> ExplainAsync(
        NpgsqlDataSource dataSource,
        string description,
        string what,
        TimeSpan timeout,
        IReadOnlyList<string> tables,
        IReadOnlyList<string> modes,
        IReadOnlyList<int> ownPids,
        Exception failure)
    {
        var blockers = new List<BlockingSession>();
        try
        {
            using var deadline = new CancellationTokenSource(ProbeTimeout + ProbeTimeout);
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(deadline.Token).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection)
            {
                Timeout = DatabaseWaits.ClientSeconds(ProbeTimeout),
                BatchCommands =
                {
                    DatabaseWaits.SetCommand(ProbeTimeout, ProbeTimeout),
                    new NpgsqlBatchCommand(HoldersSql)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter { Value = tables.ToArray() },
                            new NpgsqlParameter { Value = modes.ToArray() },
                            new NpgsqlParameter { Value = ownPids.Where(p => p > 0).ToArray() },
                        },
                    },
                },
            };
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(deadline.Token).ConfigureAwait(false);
            await reader.NextResultAsync(deadline.Token).ConfigureAwait(false);
            while (await reader.ReadAsync(deadline.Token).ConfigureAwait(false))
            {
                blockers.Add(new BlockingSession(
                    reader.GetInt32(0), reader.GetFieldValue<string[]>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetDouble(5), reader.GetString(6)));
            }
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException or IOException)
        {
            // Saying what timed out matters more than saying why: keep the plain message.
        }

        bool lockWait = failure is PostgresException { SqlState: DatabaseWaits.LockNotAvailable };
        return new DatabaseTimeoutException(what, description, timeout, tables, blockers, lockWait, failure);
    }

    /// <summary>The server pid of an open connection, or 0 once it is broken.</summary>
    public static int PidOf(NpgsqlConnection? connection)
    {
        try
        {
            return connection is { State: System.Data.ConnectionState.Open } ? connection.ProcessID : 0;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}
