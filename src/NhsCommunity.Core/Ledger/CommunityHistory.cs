using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;

namespace NhsCommunity.Ledger;

/// <summary>Reads community_data_history: the versions of trust-months, each with the bands it changed.</summary>
public static class CommunityHistory
{
    private static readonly string[] Categories = ["adult_services", "cyp_services"];

    /// <summary>True when the database has the history table (a backfill with history has run there).</summary>
    public static async Task<bool> ExistsAsync(DatabaseTarget database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await LedgerSql.ExistsAsync(connection, LedgerSql.HistoryTable, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The versions of the trust-months of <paramref name="trustCodes"/> (case-insensitive) in <paramref name="periods"/>
    /// (all months when empty), oldest first per trust-month. Empty when the history table does not exist.
    /// </summary>
    public static async Task<IReadOnlyList<HistoryVersion>> ReadAsync(
        DatabaseTarget database, IReadOnlyList<string> trustCodes, IReadOnlyList<DateTime> periods, string dataType, string column, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(trustCodes);
        ArgumentNullException.ThrowIfNull(periods);
        var versions = new List<HistoryVersion>();
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await LedgerSql.ExistsAsync(connection, LedgerSql.HistoryTable, cancellationToken).ConfigureAwait(false))
        {
            return versions;
        }

        await using var read = new NpgsqlCommand("""
            SELECT h.trust_code, h.period, h.kind, nullif(h.valid_from, '-infinity'), nullif(h.valid_to, 'infinity'), h.had_row, h.run_id, h.source_file, h.published, h.document::text
            FROM community_data_history h
            WHERE upper(btrim(h.trust_code)) = ANY($1) AND (cardinality($2::date[]) = 0 OR h.period = ANY($2))
              AND h.data_type = $3 AND h.column_name = $4
            ORDER BY h.trust_code, h.period, h.valid_from, h.valid_to, h.id
            """, connection)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = trustCodes.Select(c => c.Trim().ToUpperInvariant()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = periods.Select(p => new DateOnly(p.Year, p.Month, 1)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date },
                new NpgsqlParameter { Value = dataType },
                new NpgsqlParameter { Value = column },
            },
        };
        await using NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        HistoryVersion? previous = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string trust = reader.GetString(0);
            Month period = Month.Of(reader.GetDateTime(1));
            string? document = reader.IsDBNull(9) ? null : reader.GetString(9);
            bool sameTrustMonth = previous is not null && previous.TrustCode == trust && previous.Period == period;
            var version = new HistoryVersion
            {
                TrustCode = trust,
                Period = period,
                Kind = reader.GetString(2),
                ValidFrom = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                ValidTo = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                HadRow = reader.GetBoolean(5),
                RunId = reader.IsDBNull(6) ? null : reader.GetGuid(6),
                SourceFile = reader.IsDBNull(7) ? null : reader.GetString(7),
                Published = reader.IsDBNull(8) ? null : reader.GetDateTime(8),
                Document = document,
                Changes = sameTrustMonth ? Compare(previous!.Document, document) : [],
            };
            versions.Add(version);
            previous = version;
        }

        return versions;
    }

    /// <summary>Every band of every service whose number differs between two documents (absent or not a number: null).</summary>
    public static IReadOnlyList<BandChange> Compare(string? before, string? after)
    {
        using JsonDocument? old = Parse(before);
        using JsonDocument? @new = Parse(after);
        var changes = new List<BandChange>();
        foreach (string category in Categories)
        {
            JsonElement? oldServices = Section(old, category);
            JsonElement? newServices = Section(@new, category);
            foreach (string service in Keys(oldServices).Union(Keys(newServices)).Order(StringComparer.Ordinal))
            {
                JsonElement? oldBands = Child(oldServices, service);
                JsonElement? newBands = Child(newServices, service);
                IEnumerable<string> known = BandCatalogue.All.Select(b => b.JsonKey);
                IEnumerable<string> bands = known.Concat(Keys(oldBands).Union(Keys(newBands)).Except(known).Order(StringComparer.Ordinal));
                foreach (string band in bands)
                {
                    long? was = Number(Child(oldBands, band));
                    long? now = Number(Child(newBands, band));
                    if (was != now)
                    {
                        changes.Add(new BandChange(category, service, band, was, now));
                    }
                }
            }
        }

        return changes;
    }

    private static JsonDocument? Parse(string? json) => json is null ? null : JsonDocument.Parse(json);

    private static JsonElement? Section(JsonDocument? document, string key) =>
        document is not null && document.RootElement.ValueKind == JsonValueKind.Object ? Child(document.RootElement, key) : null;

    private static JsonElement? Child(JsonElement? element, string key) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(key, out JsonElement child) ? child : null;

    private static IEnumerable<string> Keys(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? e.EnumerateObject().Select(p => p.Name) : [];

    private static long? Number(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Number } e && e.TryGetInt64(out long value) ? value : null;
}
