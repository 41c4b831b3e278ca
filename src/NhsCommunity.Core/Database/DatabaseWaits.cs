using System.Globalization;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// The bounds on every statement the module sends: statement_timeout and lock_timeout set transaction-locally
/// (set_config(..., true) or SET LOCAL, never a session SET, so nothing stays behind on a pooled or
/// transaction-pooler connection), and a client-side command timeout a little longer, which only fires when
/// the server does not answer at all.
/// </summary>
internal static class DatabaseWaits
{
    /// <summary>How long a statement, or a wait for a lock or for another backfill, may last unless the user says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The client waits this much longer than the server's own bound, so the server's clear error comes first.</summary>
    private const int ClientGraceSeconds = 5;

    /// <summary>$1 = statement_timeout, $2 = lock_timeout, in milliseconds as text. One result set of one row.</summary>
    public const string SetSql = "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)";

    /// <summary>The first statement of a batch (an implicit transaction): bounds every later statement of it.</summary>
    public static NpgsqlBatchCommand SetCommand(TimeSpan statement, TimeSpan lockWait) => new(SetSql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = Milliseconds(statement) },
            new NpgsqlParameter { Value = Milliseconds(lockWait) },
        },
    };

    /// <summary>The same as SET LOCAL statements, for an explicit transaction.</summary>
    public static string SetLocalSql(TimeSpan statement, TimeSpan lockWait) =>
        $"SET LOCAL statement_timeout = {Milliseconds(statement)}; SET LOCAL lock_timeout = {Milliseconds(lockWait)}";

    /// <summary>The client-side timeout (seconds) for statements the server bounds by <paramref name="bound"/>.</summary>
    public static int ClientSeconds(TimeSpan bound) =>
        (int)Math.Min(int.MaxValue / 2, Math.Ceiling(bound.TotalSeconds)) + ClientGraceSeconds;

    /// <summary>The server gave up (statement or lock timeout) or the client did (no answer in time).</summary>
    public static bool IsTimeout(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is StatementTimedOut or LockNotAvailable,
        NpgsqlException n => n.InnerException is TimeoutException,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>query_canceled: statement_timeout (or a cancel from another session).</summary>
    public const string StatementTimedOut = "57014";

    /// <summary>lock_not_available: lock_timeout.</summary>
    public const string LockNotAvailable = "55P03";

    /// <summary>At least 1: 0 would mean "wait for ever".</summary>
    private static string Milliseconds(TimeSpan timeout) =>
        Math.Max(1L, (long)Math.Ceiling(Math.Min(timeout.TotalMilliseconds, int.MaxValue))).ToString(CultureInfo.InvariantCulture);
}
