namespace NhsCommunity.Database;

/// <summary>The SQL the backfill shares between writing and restoring: the lock and the backup table.</summary>
internal static class BackfillSql
{
    /// <summary>
    /// The advisory lock every write and restore of a month takes, inside its transaction (so it suits
    /// transaction-mode poolers: no session state). "NHSC" in ASCII; one lock per database.
    /// </summary>
    public const long LockKey = 0x4E485343;

    public const string BackupTable = "community_data_backups";

    public const string CreateBackupTable = """
        CREATE TABLE IF NOT EXISTS community_data_backups (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id uuid NOT NULL,
            trust_code varchar(3) NOT NULL,
            period date NOT NULL,
            data_type varchar(20) NOT NULL,
            column_name text NOT NULL,
            previous jsonb,
            previous_updated_at timestamptz,
            had_row boolean NOT NULL,
            saved_at timestamptz NOT NULL DEFAULT now(),
            restored_at timestamptz
        )
        """;

    public const string CreateBackupIndex = "CREATE INDEX IF NOT EXISTS community_data_backups_run_id ON community_data_backups (run_id)";

    /// <summary>$1 = the column; returns its type if trust_metrics has it.</summary>
    public const string ColumnType = """
        SELECT data_type FROM information_schema.columns
        WHERE table_name = 'trust_metrics' AND column_name = $1 AND table_schema = ANY (current_schemas(false))
        """;

    /// <summary>$1 = milliseconds as text. Transaction-local, so nothing is left on a pooled connection.</summary>
    public const string SetLockTimeout = "SELECT set_config('lock_timeout', $1, true)";

    public const string TakeLock = "SELECT pg_advisory_xact_lock($1)";

    /// <summary>The lock was not granted within lock_timeout.</summary>
    public const string LockNotAvailable = "55P03";
}
