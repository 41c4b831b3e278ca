using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// How many characters trust_metrics' trust_code and trust_name hold, read from the database's catalog
/// (character varying(n)); null where the column has no limit or was not found.
/// </summary>
internal sealed record ColumnLimits(int? TrustCode, int? TrustName)
{
    /// <summary>Before the catalog was read: nothing is assumed.</summary>
    public static ColumnLimits Unknown { get; } = new(null, null);

    /// <summary>One row per column: name, character_maximum_length. Same schema rule as the column type check.</summary>
    public const string Sql = """
        SELECT column_name::text, character_maximum_length::int FROM information_schema.columns
        WHERE table_name = 'trust_metrics' AND column_name IN ('trust_code', 'trust_name')
          AND table_schema = ANY (current_schemas(false))
        """;

    public static async Task<ColumnLimits> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        int? code = null, name = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int? length = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            if (reader.GetString(0) == "trust_code")
            {
                code = length;
            }
            else
            {
                name = length;
            }
        }

        return new ColumnLimits(code, name);
    }
}
