namespace NhsCommunity.Database;

/// <summary>
/// The SQL the backfill shares between writing and restoring: the lease, the start-up lock and the schema checks.
/// (Earlier versions kept previous values in a table community_data_backups; the history replaced it, and an
/// existing one is left alone.)
/// </summary>
internal static class BackfillSql
{
    /// <summary>
    /// The advisory lock a run takes inside its start-up transaction only (so it suits transaction-mode
    /// poolers: no session state): runs starting at once create the tables and take the lease one after
    /// the other. "NHSC" in ASCII; one lock per database. The run-level exclusion is the lease.
    /// </summary>
    public const long LockKey = 0x4E485343;

    public const string LeaseTable = "community_backfill_lease";

    /// <summary>
    /// Creates the lease table if missing. Checked first rather than "IF NOT EXISTS" alone so that an
    /// existing table costs no lock at all.
    /// </summary>
    public const string CreateLeaseTable = """
        DO $create$
        BEGIN
            IF to_regclass('community_backfill_lease') IS NULL THEN
                CREATE TABLE IF NOT EXISTS community_backfill_lease (
                    name text PRIMARY KEY,
                    run_id uuid NOT NULL,
                    holder text NOT NULL,
                    acquired_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL
                );
            END IF;
        END
        $create$
        """;

    /// <summary>
    /// $1 = lease name, $2 = run id, $3 = holder, $4 = duration. Takes the lease if it is free, expired
    /// or already this run's; otherwise changes nothing (the row stays locked until the statement's
    /// transaction ends, which is the end of the short start-up batch).
    /// </summary>
    public const string TakeLease = """
        INSERT INTO community_backfill_lease AS l (name, run_id, holder, acquired_at, expires_at)
        VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + $4)
        ON CONFLICT (name) DO UPDATE
            SET run_id = excluded.run_id, holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
            WHERE l.expires_at < clock_timestamp() OR l.run_id = excluded.run_id
        """;

    /// <summary>$1 = lease name. Who holds it now (a new statement, so a new snapshot: it sees the outcome of <see cref="TakeLease"/>).</summary>
    public const string ReadLease = "SELECT run_id, holder, acquired_at, expires_at FROM community_backfill_lease WHERE name = $1";

    /// <summary>$1 = lease name, $2 = run id. Only the run's own lease: one taken over by another run stays.</summary>
    public const string ReleaseLease = "DELETE FROM community_backfill_lease WHERE name = $1 AND run_id = $2";

    /// <summary>The SQLSTATE a month (or restore) raises when its run no longer holds the lease.</summary>
    public const string LeaseLost = "NCL01";

    /// <summary>The SQLSTATE of <see cref="CheckSchema"/> when trust_metrics is missing (or not a table).</summary>
    public const string NoTable = "NCS01";

    /// <summary>The SQLSTATE of <see cref="CheckSchema"/> when the column is missing.</summary>
    public const string NoColumn = "NCS02";

    /// <summary>The SQLSTATE of <see cref="CheckSchema"/> when the column is not jsonb; the type is the error's message.</summary>
    public const string NotJsonb = "NCS03";

    /// <summary>
    /// Raises <see cref="NoTable"/>, <see cref="NoColumn"/> or <see cref="NotJsonb"/> unless trust_metrics (as
    /// the writes resolve it, on the search path) is a table with <paramref name="column"/> of type jsonb.
    /// Sent first in the transaction that creates anything, so a wrong database is left exactly as it was.
    /// The column is a plain identifier (<see cref="SqlIdentifier"/>), so it can stand in the text; DO takes no parameters.
    /// </summary>
    public static string CheckSchema(string column)
    {
        if (!SqlIdentifier.IsValid(column))
        {
            throw new ArgumentException($"'{column}' is not a column name.", nameof(column));
        }

        return $$"""
            DO $check$
            DECLARE
                tbl regclass := to_regclass('trust_metrics');
                found text;
            BEGIN
                IF tbl IS NULL OR (SELECT relkind FROM pg_class WHERE oid = tbl) NOT IN ('r', 'p') THEN
                    RAISE EXCEPTION 'no table trust_metrics' USING ERRCODE = '{{NoTable}}';
                END IF;
                SELECT format_type(atttypid, atttypmod) INTO found FROM pg_attribute
                WHERE attrelid = tbl AND attname = '{{column}}' AND attnum > 0 AND NOT attisdropped;
                IF found IS NULL THEN
                    RAISE EXCEPTION 'trust_metrics has no column {{column}}' USING ERRCODE = '{{NoColumn}}';
                ELSIF found <> 'jsonb' THEN
                    -- The message is the type alone (drivers hide DETAIL unless asked to show it).
                    RAISE EXCEPTION '%', found USING ERRCODE = '{{NotJsonb}}';
                END IF;
            END
            $check$
            """;
    }

    /// <summary>
    /// Raises <see cref="NoTable"/> unless trust_metrics is a table, and <see cref="NoHistory"/> unless the history
    /// exists: a restore checks this before creating its lease table.
    /// </summary>
    public const string CheckTable = $$"""
        DO $check$
        BEGIN
            IF to_regclass('trust_metrics') IS NULL OR (SELECT relkind FROM pg_class WHERE oid = to_regclass('trust_metrics')) NOT IN ('r', 'p') THEN
                RAISE EXCEPTION 'no table trust_metrics' USING ERRCODE = '{{NoTable}}';
            END IF;
            IF to_regclass('community_data_history') IS NULL THEN
                RAISE EXCEPTION 'no table community_data_history' USING ERRCODE = '{{NoHistory}}';
            END IF;
        END
        $check$
        """;

    /// <summary>The SQLSTATE of <see cref="CheckTable"/> when no backfill ever wrote to this database (it has no history).</summary>
    public const string NoHistory = "NCS04";

    public const string TakeLock = "SELECT pg_advisory_xact_lock($1)";

    /// <summary>The lock was not granted within lock_timeout.</summary>
    public const string LockNotAvailable = DatabaseWaits.LockNotAvailable;
}
