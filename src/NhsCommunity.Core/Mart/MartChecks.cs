using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;

namespace NhsCommunity.Mart;

/// <summary>
/// The dbt-style tests of the mart, run by Test-CommunityCoverage when the mart is installed: unique, not_null,
/// relationships, accepted_values, and a reconciliation with the documents. They read relations the report adds in
/// the mart's case (<see cref="Relations"/>): <c>mart_keys</c>, the fact's rows grouped by their key (rows, NULL totals),
/// <c>mart_months</c>, the fact's rows and band sums per trust and month, and <c>mart_documents</c>, the mart's per-row
/// figures in scope; and <c>mart_scope</c>, the rows of trust_metrics in scope with whether the mart holds them as they
/// are now (<see cref="CoverageSql"/> adds it with docs). Each finding names the test, the rows, and a statement that shows them.
/// </summary>
/// <remarks>
/// The fact's rows read are those of the trust-months where a test can find something (<c>mart_suspects</c>), not all of
/// them: a trust-month whose rows only the triggers wrote holds exactly what its documents give, and the triggers note
/// per document what the tests look for (services with no total, keys the catalogue does not know); the documents table
/// shows trust-months named twice and trust codes missing from <c>community_trust</c>; and the guards on the fact and the
/// documents table record every trust-month anyone else wrote. When a guard is missing or disabled, after a TRUNCATE of
/// either table by hand, when <c>community_service</c> is no longer the catalogue, or when a key is NULL, every row is read.
/// </remarks>
public static class MartChecks
{
    private const string Path = "CASE k.category WHEN 'adult' THEN 'adult_services' WHEN 'cyp' THEN 'cyp_services' ELSE k.category END || '.' || k.service_key";

    /// <summary>"SELECT * FROM community_waiting_list WHERE ..." for the key of the mart_keys row k (NULLs matched as NULL).</summary>
    private static readonly string SeeKey = $"""
        format('SELECT * FROM {MartSql.Fact} WHERE trust_code IS NOT DISTINCT FROM %L AND period IS NOT DISTINCT FROM %L::date AND data_type IS NOT DISTINCT FROM %L AND category IS NOT DISTINCT FROM %L AND service_key IS NOT DISTINCT FROM %L;', k.trust_code, k.period, k.data_type, k.category, k.service_key)
        """.Trim();

    public static readonly CoverageCheck Unique = new(
        "MartUnique",
        FindingSeverity.Error,
        $"unique: one row of {MartSql.Fact} per trust_code, period, data_type, category and service_key. Two rows (one typed in by hand, or two rows of trust_metrics that name one trust and month) double every sum.",
        $"""
        SELECT 'MartUnique' AS check_name, 'Error' AS severity, k.trust_code, k.period, {Path} AS service,
               'unique (trust_code, period, data_type, category, service_key): ' || k.n || ' rows of {MartSql.Fact} for one service and month (data_type ' || quote_nullable(k.data_type) || '). See them: ' || {SeeKey} AS detail
        FROM mart_keys k
        WHERE k.n > 1
        """)
    { ReadsMart = true };

    public static readonly CoverageCheck NotNull = new(
        "MartNotNull",
        FindingSeverity.Error,
        $"not_null: the key columns of {MartSql.Fact} (trust_code, period, data_type, category, service_key) and total_waiting are never NULL.",
        $"""
        SELECT 'MartNotNull' AS check_name, 'Error' AS severity, k.trust_code, k.period, {Path} AS service,
               'not_null (' || c.columns || '): ' || CASE WHEN c.columns = 'total_waiting' THEN k.null_totals ELSE k.n END || ' row(s) of {MartSql.Fact} with NULL. See them: ' || {SeeKey} AS detail
        FROM mart_keys k
        CROSS JOIN LATERAL (SELECT string_agg(v.name, ', ') AS columns
                            FROM (VALUES ('trust_code', k.trust_code IS NULL), ('period', k.period IS NULL), ('data_type', k.data_type IS NULL),
                                         ('category', k.category IS NULL), ('service_key', k.service_key IS NULL), ('total_waiting', k.null_totals > 0)) AS v(name, is_null)
                            WHERE v.is_null) AS c
        WHERE (k.trust_code IS NULL OR k.period IS NULL OR k.data_type IS NULL OR k.category IS NULL OR k.service_key IS NULL OR k.null_totals > 0)
          AND c.columns IS NOT NULL
        """)
    { ReadsMart = true };

    public static readonly CoverageCheck Relationships = new(
        "MartRelationships",
        FindingSeverity.Error,
        $"relationships: every trust_code of {MartSql.Fact} is in {MartSql.Trusts} (Error), and every category and service_key in {MartSql.Services} (Warning: a service the catalogue does not know, as UnknownService).",
        $"""
        SELECT 'MartRelationships' AS check_name, 'Error' AS severity, k.trust_code, NULL::date AS period, NULL::text AS service,
               'relationships (trust_code to {MartSql.Trusts}): ' || quote_literal(k.trust_code) || ' is not in {MartSql.Trusts}; ' || sum(k.rows) || ' row(s). See them: '
               || format('SELECT * FROM {MartSql.Fact} f WHERE f.trust_code = %L AND NOT EXISTS (SELECT 1 FROM {MartSql.Trusts} t WHERE t.trust_code = f.trust_code);', k.trust_code) AS detail
        FROM mart_months k
        WHERE k.trust_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {MartSql.Trusts} t WHERE t.trust_code = k.trust_code)
        GROUP BY k.trust_code
        UNION ALL
        SELECT 'MartRelationships', 'Warning', k.trust_code, NULL::date, {Path},
               'relationships (category, service_key to {MartSql.Services}): ' || quote_literal(k.category) || ', ' || quote_literal(k.service_key) || ' is not in {MartSql.Services}; '
               || sum(k.n) || ' row(s) of this trust. See them: ' || format('SELECT * FROM {MartSql.Fact} WHERE trust_code IS NOT DISTINCT FROM %L AND category = %L AND service_key = %L;', k.trust_code, k.category, k.service_key)
        FROM mart_keys k
        WHERE k.category IS NOT NULL AND k.service_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {MartSql.Services} s WHERE s.category = k.category AND s.service_key = k.service_key)
        GROUP BY k.trust_code, k.category, k.service_key
        """)
    { ReadsMart = true };

    public static readonly CoverageCheck AcceptedValues = new(
        "MartAcceptedValues",
        FindingSeverity.Error,
        "accepted_values: category is 'adult' or 'cyp' (Error); service_key is a key of the catalogue (Warning, as UnknownService).",
        $"""
        SELECT 'MartAcceptedValues' AS check_name, 'Error' AS severity, k.trust_code, NULL::date AS period, NULL::text AS service,
               'accepted_values (category in adult, cyp): ' || quote_literal(k.category) || ' in ' || sum(k.n) || ' row(s) of this trust. See them: '
               || format('SELECT * FROM {MartSql.Fact} WHERE trust_code IS NOT DISTINCT FROM %L AND category = %L;', k.trust_code, k.category) AS detail
        FROM mart_keys k
        WHERE k.category NOT IN ('adult', 'cyp')
        GROUP BY k.trust_code, k.category
        UNION ALL
        SELECT 'MartAcceptedValues', 'Warning', k.trust_code, NULL::date, NULL::text,
               'accepted_values (service_key in the catalogue): ' || quote_literal(k.service_key) || ' in ' || sum(k.n) || ' row(s) of this trust. See them: '
               || format('SELECT * FROM {MartSql.Fact} WHERE trust_code IS NOT DISTINCT FROM %L AND service_key = %L;', k.trust_code, k.service_key)
        FROM mart_keys k
        WHERE NOT k.service_key = ANY({CoverageSql.ArrayLiteral(ServiceCatalogue.Keys)})
        GROUP BY k.trust_code, k.service_key
        """)
    { ReadsMart = true };

    public static readonly CoverageCheck Reconciliation = new(
        "MartReconciliation",
        FindingSeverity.Error,
        $"reconciliation: per trust, month and data type, {MartSql.Fact} has as many rows as the documents have services, and every band sums to what the documents give; and every row of trust_metrics is in the mart as it is now (a change the triggers missed; run Install-CommunityMart to rebuild).",
        $"""
        SELECT 'MartReconciliation' AS check_name, 'Error' AS severity, r.trust_code, r.period, NULL::text AS service,
               'reconciliation (' || r.measure || ', data_type ' || quote_nullable(r.data_type) || '): the documents give ' || r.documents || ', {MartSql.Fact} ' || r.mart
               || ' (' || CASE WHEN r.mart > r.documents THEN '+' ELSE '' END || (r.mart - r.documents) || '). See them: '
               || format('SELECT trust_code, period, data_type, count(*) AS rows, {SumsOfBands()} FROM {MartSql.Fact} WHERE trust_code IS NOT DISTINCT FROM %L AND period IS NOT DISTINCT FROM %L::date AND data_type IS NOT DISTINCT FROM %L GROUP BY 1, 2, 3;', r.trust_code, r.period, r.data_type) AS detail
        FROM (SELECT coalesce(d.trust_code, f.trust_code) AS trust_code, coalesce(d.period, f.period) AS period, coalesce(d.data_type, f.data_type) AS data_type,
                     v.measure, v.documents, v.mart
              FROM (SELECT m.trust_code, m.period, m.data_type, sum(m.services) AS rows, {DocumentSums()}
                    FROM mart_documents m
                    WHERE (SELECT w.whole FROM mart_whole w) OR (m.trust_code, m.period, m.data_type) IN (SELECT x.trust_code, x.period, x.data_type FROM mart_suspects x)
                    GROUP BY 1, 2, 3) AS d
              FULL JOIN mart_months AS f
                ON coalesce(f.trust_code, '') = coalesce(d.trust_code, '') AND coalesce(f.period, 'infinity') = coalesce(d.period, 'infinity')
               AND coalesce(f.data_type, '') = coalesce(d.data_type, '')
              CROSS JOIN LATERAL (VALUES ('rows', coalesce(d.rows, 0), coalesce(f.rows, 0)), {MeasurePairs()}) AS v(measure, documents, mart)
              WHERE v.documents <> v.mart) AS r
        UNION ALL
        SELECT 'MartReconciliation', 'Error', s.trust_code, s.period, NULL::text,
               'reconciliation (rows of trust_metrics): the row (data_type ' || quote_literal(s.data_type) || ') '
               || CASE WHEN NOT s.in_mart THEN 'is not in the mart' ELSE 'changed after the mart last read it' END
               || '. Run Install-CommunityMart to rebuild the mart; see whether its triggers are there and enabled: '
               || 'SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = ''trust_metrics''::regclass AND tgname LIKE ''community_mart%'';'
        FROM mart_scope s
        WHERE NOT s.in_mart OR NOT s.mart_current
        UNION ALL
        SELECT 'MartReconciliation', 'Error', m.trust_code, m.period, NULL::text,
               'reconciliation (rows of trust_metrics): the mart holds a row that is no longer in trust_metrics (id ' || m.id || '). Run Install-CommunityMart to rebuild the mart.'
        FROM mart_documents m
        WHERE NOT EXISTS (SELECT 1 FROM {CoverageSql.Table} t WHERE t.id = m.id)
        """)
    { ReadsMart = true };

    /// <summary>The mart's tests, in the order reports list them (after the document checks).</summary>
    public static IReadOnlyList<CoverageCheck> All { get; } = [Unique, NotNull, Relationships, AcceptedValues, Reconciliation];

    /// <summary>The relations the tests read, appended to the report's WITH when it reads the mart.</summary>
    public static string Relations(CoverageSql sql)
    {
        string Scope(string alias) => $"coalesce({sql.MartScopeFilter(alias)}, true){Part(sql, alias)}";
        string guards = string.Join(", ", new[] { MartSql.Fact, MartSql.Documents }.Select(t => $"to_regclass({CoverageSql.Quote(t)})"));
        return $"""
            mart_suspects AS MATERIALIZED (
                -- The trust-months where a test can find something: a document with a service without a total, or with a key the
                -- catalogue does not know; a trust code not in {MartSql.Trusts}; a trust-month named by two rows; one written by hand.
                SELECT m.trust_code, m.period, m.data_type
                FROM {MartSql.Documents} m
                LEFT JOIN {MartSql.Trusts} t ON t.trust_code = m.trust_code
                WHERE {Scope("m")}
                GROUP BY m.trust_code, m.period, m.data_type
                HAVING count(*) > 1 OR bool_or(m.null_totals > 0 OR m.unknown_services > 0 OR t.trust_code IS NULL)
                UNION
                SELECT e.trust_code, e.period, e.data_type
                FROM {MartSql.Edits} e
                WHERE NOT e.whole AND {Scope("e")}
            ),
            mart_whole AS MATERIALIZED (
                -- Every row is read when the guards cannot be trusted to have seen every hand edit, after a TRUNCATE by hand,
                -- when {MartSql.Services} is not the catalogue the triggers know, or when a key to look up is NULL.
                SELECT EXISTS (SELECT 1 FROM {MartSql.Edits} e WHERE e.whole)
                       OR (SELECT count(*) FROM pg_trigger g
                           WHERE g.tgrelid IN ({guards}) AND g.tgname IN ({string.Join(", ", MartSql.GuardNames.Select(CoverageSql.Quote))})
                             AND g.tgenabled IN ('O', 'A')) <> {2 * MartSql.GuardNames.Count}
                       OR (SELECT string_agg(c.category || '.' || c.service_key, ',' ORDER BY c.category || '.' || c.service_key COLLATE "C") FROM {MartSql.Services} c)
                          IS DISTINCT FROM {CoverageSql.Quote(string.Join(",", ServiceCatalogue.All.Select(d => MartSql.CategoryOf(d.Category) + "." + d.Key).Order(StringComparer.Ordinal)))}
                       OR EXISTS (SELECT 1 FROM mart_suspects x WHERE x.trust_code IS NULL OR x.period IS NULL OR x.data_type IS NULL) AS whole
            ),
            mart_rows AS NOT MATERIALIZED (
                SELECT f.* FROM {MartSql.Fact} f
                WHERE (SELECT w.whole FROM mart_whole w) AND {Scope("f")}
                UNION ALL
                -- The ANYs let the index find the trust-months.
                SELECT f.* FROM {MartSql.Fact} f
                WHERE NOT (SELECT w.whole FROM mart_whole w)
                  AND f.period = ANY (ARRAY(SELECT x.period FROM mart_suspects x)) AND f.trust_code = ANY (ARRAY(SELECT x.trust_code FROM mart_suspects x))
                  AND (f.trust_code, f.period, f.data_type) IN (SELECT x.trust_code, x.period, x.data_type FROM mart_suspects x)
            ),
            mart_keys AS MATERIALIZED (
                SELECT f.trust_code, f.period, f.data_type, f.category, f.service_key, count(*) AS n,
                       count(*) FILTER (WHERE f.total_waiting IS NULL) AS null_totals
                FROM mart_rows f
                GROUP BY f.trust_code, f.period, f.data_type, f.category, f.service_key
            ),
            mart_months AS MATERIALIZED (
                SELECT f.trust_code, f.period, f.data_type, count(*) AS rows,
                       {string.Join(", ", MartSql.BandColumns.Select(c => $"sum(f.{c}) AS {c}"))}
                FROM mart_rows f
                GROUP BY f.trust_code, f.period, f.data_type
            ),
            mart_documents AS NOT MATERIALIZED (
                SELECT m.* FROM {MartSql.Documents} m
                WHERE {Scope("m")}
            )
            """;
    }

    /// <summary>In a report read in parts, the part's trusts only (every test looks within one trust, so the parts add up).</summary>
    private static string Part(CoverageSql sql, string alias) => sql.Partitioned ? $"\n      AND {CoverageSql.PartOf(alias)} = @partition" : "";

    private static string DocumentSums() =>
        string.Join(", ", MartSql.BandColumns.Select(c => $"sum(m.sum_{c}) AS {c}"));

    private static string SumsOfBands() => string.Join(", ", MartSql.BandColumns.Select(c => $"sum({c}) AS {c}"));

    private static string MeasurePairs() =>
        string.Join(", ", MartSql.BandColumns.Select(c => $"('{c}', coalesce(d.{c}, 0), coalesce(f.{c}, 0))"));
}
