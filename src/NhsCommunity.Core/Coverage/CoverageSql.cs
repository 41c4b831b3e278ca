using System.Globalization;
using System.Text;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Coverage;

/// <summary>
/// The relations every check and the coverage query read, written once:
/// <list type="bullet">
/// <item><c>scope</c>: the trust_metrics rows in scope, the document as <c>doc</c>;</item>
/// <item><c>docs</c>: scope plus <c>doc_state</c> ('object', 'empty', 'null' or 'invalid');</item>
/// <item><c>services</c>: one row per service of a document (<c>json_key</c>, <c>service</c>, value <c>v</c>, and the
/// document's metadata.blank_bands: band paths the workbook left blank);</item>
/// <item><c>facts</c>: services with every band's JSON type (<c>&lt;key&gt;_type</c>) and number (<c>&lt;key&gt;</c>);</item>
/// <item><c>totals</c>: per document, the count of services, their total and 52+ week figures;</item>
/// <item><c>source_cells</c> (with workbooks only): the workbook cells, one row per band of a service.</item>
/// </list>
/// </summary>
public sealed class CoverageSql
{
    public const string Table = "trust_metrics";

    public static readonly IReadOnlyList<string> CategoryKeys = ["adult_services", "cyp_services"];

    public static readonly IReadOnlyList<string> MetadataNumberKeys =
        ["services_reported", "total_waiting_all_services", "services_with_52plus_breaches"];

    public static readonly IReadOnlyList<string> MetadataKeys = [.. MetadataNumberKeys, "last_updated"];

    /// <summary>The eight keys every service carries.</summary>
    public static readonly IReadOnlyList<string> RequiredBandKeys =
        BandCatalogue.All.Where(b => b.Band <= WaitBand.Wait52PlusWeeks).Select(b => b.JsonKey).ToArray();

    /// <summary>The split of the 52+ band, present from December 2024.</summary>
    public static readonly IReadOnlyList<string> SplitBandKeys =
        [BandCatalogue.JsonKey(WaitBand.Wait52To104Weeks), BandCatalogue.JsonKey(WaitBand.Wait104PlusWeeks)];

    public static readonly IReadOnlyList<string> AllBandKeys = BandCatalogue.All.Select(b => b.JsonKey).ToArray();

    /// <summary>The bands that add up to total_waiting (six bands up to 52 weeks, then 52+).</summary>
    public static readonly IReadOnlyList<string> BandSumKeys =
        [.. BandCatalogue.UpTo52Weeks.Select(BandCatalogue.JsonKey), BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks)];

    public CoverageSql(CoverageScope scope, SqlStyle style)
    {
        Scope = scope;
        Style = style;
    }

    public CoverageScope Scope { get; }

    public SqlStyle Style { get; }

    public static string Key(WaitBand band) => BandCatalogue.JsonKey(band);

    /// <summary>A SQL string literal.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string ArrayLiteral(IEnumerable<string> values) => "ARRAY[" + string.Join(", ", values.Select(Quote)) + "]::text[]";

    public static string DateLiteral(DateTime date) => "DATE '" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";

    /// <summary>The WHERE clause selecting the rows in scope from trust_metrics aliased <paramref name="alias"/>.</summary>
    public string ScopeFilter(string alias = "t")
    {
        var where = new List<string>
        {
            $"lower(btrim({alias}.data_type)) = lower({Value("data_type", Quote(Scope.DataType))})",
        };
        if (Scope.FromMonth is { } from)
        {
            where.Add($"{alias}.period >= {Value("from", DateLiteral(from))}");
        }

        if (Scope.ToMonth is { } to)
        {
            where.Add($"{alias}.period <= {Value("to", DateLiteral(to))}");
        }

        if (Scope.NormalisedTrustCodes.Count > 0)
        {
            where.Add($"upper(btrim({alias}.trust_code)) = ANY({Value("trusts", ArrayLiteral(Scope.NormalisedTrustCodes))})");
        }

        return string.Join("\n      AND ", where);
    }

    /// <summary>"WITH scope AS (...), docs AS (...), ...": the shared relations, ready for a SELECT.</summary>
    public string Prefix(bool withSource = false)
    {
        string column = QuoteIdentifier(Scope.Column);
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $$"""
            WITH scope AS (
                SELECT t.id, upper(btrim(t.trust_code)) AS trust_code, t.trust_name, t.period, t.data_type,
                       t.icb_code, t.icb_name, t.{{column}} AS doc
                FROM {{Table}} t
                WHERE {{ScopeFilter()}}
            ),
            docs AS (
                SELECT s.*,
                       CASE WHEN s.doc IS NULL OR jsonb_typeof(s.doc) = 'null' THEN 'null'
                            WHEN jsonb_typeof(s.doc) <> 'object' THEN 'invalid'
                            WHEN s.doc = '{}'::jsonb THEN 'empty'
                            ELSE 'object' END AS doc_state
                FROM scope s
            ),
            services AS (
                SELECT d.id, d.trust_code, d.period, c.json_key, e.key AS service, c.json_key || '.' || e.key AS service_path, e.value AS v,
                   d.doc -> 'metadata' -> 'blank_bands' AS blank_bands
                FROM docs d
                CROSS JOIN LATERAL (VALUES ('adult_services'), ('cyp_services')) AS c(json_key)
                CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(d.doc -> c.json_key) = 'object' THEN d.doc -> c.json_key ELSE '{}'::jsonb END) AS e
                WHERE d.doc_state = 'object'
            ),
            facts AS (
                SELECT s.*, jsonb_typeof(s.v) AS shape
            """);
        foreach (string key in AllBandKeys)
        {
            sql.Append(CultureInfo.InvariantCulture, $",\n           jsonb_typeof(s.v -> '{key}') AS {key}_type,")
               .Append(CultureInfo.InvariantCulture, $"\n           CASE WHEN jsonb_typeof(s.v -> '{key}') = 'number' THEN (s.v ->> '{key}')::numeric END AS {key}");
        }

        string w52 = Key(WaitBand.Wait52PlusWeeks);
        sql.Append(CultureInfo.InvariantCulture, $"""

                FROM services s
            ),
            totals AS (
                SELECT f.id, count(*) AS services, coalesce(sum(f.total_waiting), 0) AS total_waiting,
                       count(*) FILTER (WHERE f.{w52} > 0) AS services_52, coalesce(sum(f.{w52}), 0) AS waiting_52
                FROM facts f
                GROUP BY f.id
            )
            """);
        if (withSource)
        {
            sql.Append(",\n").Append(SourceCells());
        }

        return sql.ToString();
    }

    /// <summary>The workbook cells: parameter arrays when run, an empty relation with a note when printed.</summary>
    private string SourceCells() => Style == SqlStyle.Parameters
        ? """
            source_cells AS (
                SELECT * FROM unnest(@src_trust::text[], @src_period::date[], @src_json_key::text[], @src_service::text[], @src_band::text[], @src_value::numeric[])
                    AS c(trust_code, period, json_key, service, band_key, value)
            )
            """
        : """
            -- The workbook cells, one row per band of a service (value NULL for a blank cell). Test-CommunityCoverage -Path
            -- fills this from the workbooks; here it is empty, so this check finds nothing until you load the cells.
            source_cells AS (
                SELECT NULL::text AS trust_code, NULL::date AS period, NULL::text AS json_key, NULL::text AS service,
                       NULL::text AS band_key, NULL::numeric AS value
                WHERE false
            )
            """;

    private string Value(string parameter, string literal) => Style == SqlStyle.Parameters ? "@" + parameter : literal;
}
