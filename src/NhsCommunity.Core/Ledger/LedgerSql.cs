using System.Globalization;
using Npgsql;

namespace NhsCommunity.Ledger;

/// <summary>
/// The tables of the load ledger and the history, and the as-of relation read from them. The backfill creates
/// them in its start-up batch beside the lease table, after the schema check, so a wrong database
/// gets nothing.
/// </summary>
public static class LedgerSql
{
    public const string LoadsTable = "community_loads";

    public const string HistoryTable = "community_data_history";

    /// <summary>
    /// Creates community_loads and community_data_history with their indexes if missing. Checked first (and the
    /// start-up lock taken only then) rather than "IF NOT EXISTS" alone, so existing tables cost no lock at all
    /// (CREATE INDEX IF NOT EXISTS would wait for a month in flight).
    /// </summary>
    public const string CreateTables = """
        DO $create$
        BEGIN
            IF to_regclass('community_loads') IS NULL THEN
                PERFORM pg_advisory_xact_lock(1313362755);
                CREATE TABLE IF NOT EXISTS community_loads (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run_id uuid NOT NULL,
                    loaded_at timestamptz NOT NULL DEFAULT now(),
                    loaded_by text NOT NULL,
                    file_name text NOT NULL,
                    sha256 text NOT NULL,
                    period date,
                    published date,
                    outcome text NOT NULL CHECK (outcome IN ('Loaded', 'Unchanged', 'AlreadyLoaded', 'Superseded', 'Failed')),
                    reason text,
                    trusts_updated integer NOT NULL DEFAULT 0,
                    trusts_unchanged integer NOT NULL DEFAULT 0,
                    trusts_rejected integer NOT NULL DEFAULT 0,
                    data_type text NOT NULL,
                    column_name text NOT NULL
                );
                CREATE INDEX IF NOT EXISTS community_loads_sha256 ON community_loads (sha256) WHERE outcome IN ('Loaded', 'Unchanged');
                CREATE INDEX IF NOT EXISTS community_loads_run_id ON community_loads (run_id);
                CREATE INDEX IF NOT EXISTS community_loads_period ON community_loads (period, id);
            END IF;
            IF to_regclass('community_data_history') IS NULL THEN
                PERFORM pg_advisory_xact_lock(1313362755);
                CREATE TABLE IF NOT EXISTS community_data_history (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    trust_code text NOT NULL,
                    period date NOT NULL,
                    data_type text NOT NULL,
                    column_name text NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('Before', 'Write', 'Restore')),
                    had_row boolean NOT NULL,
                    document jsonb,
                    trust_name text,
                    icb_code text,
                    icb_name text,
                    row_updated_at timestamptz,
                    valid_from timestamptz NOT NULL,
                    valid_to timestamptz NOT NULL DEFAULT 'infinity',
                    run_id uuid,
                    source_file text,
                    published date,
                    load_id bigint
                );
                CREATE INDEX IF NOT EXISTS community_data_history_key ON community_data_history (trust_code, period, data_type, column_name, valid_from);
                CREATE INDEX IF NOT EXISTS community_data_history_run_id ON community_data_history (run_id);
                -- The readers select trusts as upper(btrim(trust_code)): an as-of read of a few trusts is then an index scan too.
                CREATE INDEX IF NOT EXISTS community_data_history_trust ON community_data_history ((upper(btrim(trust_code))), period);
            END IF;
        END
        $create$
        """;

    /// <summary>
    /// The trust_metrics rows as they stood at <paramref name="asOf"/>, with the same columns the readers use (id as text,
    /// trust_code, trust_name, period, data_type, icb_code, icb_name and the document column): for a trust-month
    /// with history, the version valid then (absent when it had no row then); for one the module never wrote, the
    /// row as it is. History rows get ids 'h' and their number, so they never meet a table id (whatever its type).
    /// </summary>
    public static string AsOfRelation(string quotedColumn, string columnName, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(columnName);
        string column = "'" + columnName.Replace("'", "''", StringComparison.Ordinal) + "'";
        string at = TimestampLiteral(asOf);
        return $"""
            (SELECT m.id::text AS id, m.trust_code::text AS trust_code, m.trust_name::text AS trust_name, m.period, m.data_type::text AS data_type,
                    m.icb_code::text AS icb_code, m.icb_name::text AS icb_name, m.{quotedColumn}
               FROM trust_metrics m
              WHERE NOT EXISTS (SELECT 1 FROM community_data_history h
                                WHERE h.trust_code = m.trust_code AND h.period = m.period AND h.data_type = m.data_type AND h.column_name = {column})
             UNION ALL
             SELECT 'h' || h.id, h.trust_code, h.trust_name, h.period, h.data_type, h.icb_code, h.icb_name, h.document
               FROM community_data_history h
              WHERE h.column_name = {column} AND h.had_row AND h.valid_from <= {at} AND h.valid_to > {at})
            """;
    }

    /// <summary>True when <paramref name="table"/> exists (on the search path): readers of a database no backfill with a ledger ever wrote to find nothing.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new NpgsqlParameter { Value = table } } };
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>A timestamptz literal in UTC, to the microsecond (PostgreSQL's precision).</summary>
    public static string TimestampLiteral(DateTimeOffset moment) =>
        "TIMESTAMPTZ '" + moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'";
}
