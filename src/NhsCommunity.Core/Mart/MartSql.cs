using System.Globalization;
using System.Text;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;

namespace NhsCommunity.Mart;

/// <summary>
/// The relational mart over trust_metrics.community_data, all its SQL in one place:
/// <list type="bullet">
/// <item><c>community_waiting_list</c>, the fact: one row per trust, month, data type, category and service present in a
/// document, the bands as columns;</item>
/// <item><c>community_service</c> and <c>community_trust</c>, the dimensions (the catalogue; each trust's latest name and ICB, and the month they come from);</item>
/// <item><c>community_mart_document</c>: one row per trust_metrics row (by id) with the shape and figures the coverage
/// report needs, and the row's xmin when it was read, so a change the triggers missed shows;</item>
/// <item>statement-level triggers on trust_metrics (INSERT, UPDATE, DELETE with transition tables; TRUNCATE) that
/// replace the rows of every trust-month a statement touched, so the mart equals the documents after any commit.</item>
/// </list>
/// Trust codes are kept trimmed and upper-cased and data types trimmed and lower-cased, as every reader compares them.
/// </summary>
public static class MartSql
{
    public const string Fact = "community_waiting_list";

    public const string Services = "community_service";

    public const string Trusts = "community_trust";

    public const string Documents = "community_mart_document";

    private const string Source = CoverageSql.Table;

    private const string ApplyFunction = "community_mart_apply";

    private const string TriggerFunction = "community_mart_on_change";

    private const string TruncateFunction = "community_mart_on_truncate";

    /// <summary>The triggers on trust_metrics, by name; all four must be there (and enabled) for the mart to be installed.</summary>
    public static readonly IReadOnlyList<string> TriggerNames =
        ["community_mart_insert", "community_mart_update", "community_mart_delete", "community_mart_truncate"];

    /// <summary>The fact's category for a JSON category key: 'adult' or 'cyp'.</summary>
    public static string CategoryOf(ServiceCategory category) => category == ServiceCategory.Adult ? "adult" : "cyp";

    /// <summary>The band columns of the fact, in the contract's order (total_waiting first).</summary>
    public static IReadOnlyList<string> BandColumns { get; } = BandCatalogue.All.Select(b => b.JsonKey).ToArray();

    /// <summary>
    /// One round trip's worth: true when the fact, its documents table and the four enabled triggers are there and this
    /// user may read the mart (else the readers use the JSONB). Cheap: catalog lookups only.
    /// </summary>
    public static readonly string InstalledProbe = $"""
        SELECT to_regclass('{Fact}') IS NOT NULL AND to_regclass('{Documents}') IS NOT NULL
               AND has_table_privilege(to_regclass('{Fact}'), 'SELECT') AND has_table_privilege(to_regclass('{Documents}'), 'SELECT')
               AND (SELECT count(*) FROM pg_trigger
                    WHERE tgrelid = to_regclass('{Source}') AND tgenabled <> 'D'
                      AND tgname IN ({string.Join(", ", TriggerNames.Select(CoverageSql.Quote))})) = {TriggerNames.Count}
        """;

    /// <summary>The schema of trust_metrics (the one search_path finds), where the mart goes; NULL when there is no table.</summary>
    public const string SchemaOfSource = $"SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('{Source}')";

    /// <summary>
    /// Creates (or replaces) everything in <paramref name="schema"/>, fills it from the table and lets exactly the roles
    /// that may read trust_metrics read the mart. Run in one transaction; the lock keeps writers out until the triggers
    /// are in place, so no change falls between the fill and the triggers.
    /// </summary>
    public static string Install(string schema)
    {
        string s = CoverageSql.QuoteIdentifier(schema);
        string bands = string.Join(",\n    ", BandColumns.Select(c => c + " bigint"));
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"""
            LOCK TABLE {s}.{Source} IN SHARE ROW EXCLUSIVE MODE;
            CREATE TABLE IF NOT EXISTS {s}.{Services} (
                category text NOT NULL,
                service_key text NOT NULL,
                service_name text NOT NULL,
                published_for_providers boolean NOT NULL,
                PRIMARY KEY (category, service_key)
            );
            CREATE TABLE IF NOT EXISTS {s}.{Trusts} (
                trust_code text PRIMARY KEY,
                trust_name text,
                icb_code text,
                icb_name text,
                latest_period date
            );
            CREATE TABLE IF NOT EXISTS {s}.{Fact} (
                trust_code text,
                trust_name text,
                icb_code text,
                icb_name text,
                period date,
                data_type text,
                category text,
                service_key text,
                service_name text,
                {bands}
            );
            CREATE INDEX IF NOT EXISTS {Fact}_month ON {s}.{Fact} (period, trust_code, data_type);
            CREATE TABLE IF NOT EXISTS {s}.{Documents} (
                id uuid PRIMARY KEY,
                source_xmin xid NOT NULL,
                trust_code text,
                period date,
                data_type text,
                trust_name text,
                icb_code text,
                icb_name text,
                doc_type text,
                doc_state text,
                adult_services_type text,
                cyp_services_type text,
                metadata_type text,
                metadata jsonb,
                services bigint NOT NULL,
                total_waiting numeric NOT NULL,
                services_52 bigint NOT NULL,
                waiting_52 numeric NOT NULL,
                suspects jsonb,
                band_sums numeric[] NOT NULL
            );
            CREATE INDEX IF NOT EXISTS {Documents}_month ON {s}.{Documents} (period, trust_code, data_type);
            CREATE INDEX IF NOT EXISTS {Documents}_trust ON {s}.{Documents} (trust_code, period DESC);
            COMMENT ON TABLE {s}.{Fact} IS 'NhsCommunity mart: one row per trust, month, data type, category and service in trust_metrics.community_data; kept equal to the documents by triggers on trust_metrics (Install-CommunityMart).';
            COMMENT ON TABLE {s}.{Documents} IS 'NhsCommunity mart: one row per trust_metrics row, the figures Test-CommunityCoverage reads; source_xmin shows a change the triggers missed.';
            DELETE FROM {s}.{Services};
            INSERT INTO {s}.{Services} (category, service_key, service_name, published_for_providers) VALUES
                {ServiceValues()};

            """);
        sql.Append(ApplyFunctionSql(s)).Append('\n');
        sql.Append(TriggerFunctionsSql(s)).Append('\n');
        sql.Append(CultureInfo.InvariantCulture, $"""
            REVOKE ALL ON FUNCTION {s}.{ApplyFunction}(uuid[], uuid[], text[], date[], text[]) FROM PUBLIC;
            DROP TRIGGER IF EXISTS {TriggerNames[0]} ON {s}.{Source};
            DROP TRIGGER IF EXISTS {TriggerNames[1]} ON {s}.{Source};
            DROP TRIGGER IF EXISTS {TriggerNames[2]} ON {s}.{Source};
            DROP TRIGGER IF EXISTS {TriggerNames[3]} ON {s}.{Source};
            CREATE TRIGGER {TriggerNames[0]} AFTER INSERT ON {s}.{Source} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[1]} AFTER UPDATE ON {s}.{Source} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[2]} AFTER DELETE ON {s}.{Source} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[3]} AFTER TRUNCATE ON {s}.{Source} FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TruncateFunction}();
            TRUNCATE {s}.{Fact}, {s}.{Documents}, {s}.{Trusts};
            SELECT {s}.{ApplyFunction}(ids, ids, NULL, NULL, NULL) FROM (SELECT array_agg(id) AS ids FROM {s}.{Source}) AS a WHERE ids IS NOT NULL;
            DO $grants$
            DECLARE r record;
            BEGIN
                -- Exactly the roles that may read trust_metrics may read the mart (default privileges, such as Supabase's
                -- for its API roles, would otherwise open it wider than the table).
                FOR r IN SELECT g.grantee FROM information_schema.role_table_grants g
                         WHERE g.table_schema = {CoverageSql.Quote(schema)} AND g.table_name IN ({CoverageSql.Quote(Fact)}, {CoverageSql.Quote(Services)}, {CoverageSql.Quote(Trusts)}, {CoverageSql.Quote(Documents)})
                           AND g.grantee <> current_user AND g.grantee <> 'PUBLIC'
                LOOP
                    EXECUTE format('REVOKE ALL ON {s}.{Fact}, {s}.{Services}, {s}.{Trusts}, {s}.{Documents} FROM %I', r.grantee);
                END LOOP;
                REVOKE ALL ON {s}.{Fact}, {s}.{Services}, {s}.{Trusts}, {s}.{Documents} FROM PUBLIC;
                FOR r IN SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
                         WHERE g.table_schema = {CoverageSql.Quote(schema)} AND g.table_name = {CoverageSql.Quote(Source)} AND g.privilege_type = 'SELECT'
                           AND g.grantee <> current_user
                LOOP
                    IF r.grantee = 'PUBLIC' THEN
                        GRANT SELECT ON {s}.{Fact}, {s}.{Services}, {s}.{Trusts}, {s}.{Documents} TO PUBLIC;
                    ELSE
                        EXECUTE format('GRANT SELECT ON {s}.{Fact}, {s}.{Services}, {s}.{Trusts}, {s}.{Documents} TO %I', r.grantee);
                    END IF;
                END LOOP;
            END
            $grants$;
            SELECT (SELECT count(*) FROM {s}.{Fact}), (SELECT count(*) FROM {s}.{Documents}), (SELECT count(*) FROM {s}.{Trusts}), (SELECT count(*) FROM {s}.{Services});
            """);
        return sql.ToString();
    }

    /// <summary>Removes the triggers, functions and tables (IF EXISTS, so a second run does nothing); the source table is untouched.</summary>
    public static string Uninstall(string schema)
    {
        string s = CoverageSql.QuoteIdentifier(schema);
        var sql = new StringBuilder();
        foreach (string trigger in TriggerNames)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DROP TRIGGER IF EXISTS {trigger} ON {s}.{Source};\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            DROP FUNCTION IF EXISTS {s}.{TriggerFunction}();
            DROP FUNCTION IF EXISTS {s}.{TruncateFunction}();
            DROP FUNCTION IF EXISTS {s}.{ApplyFunction}(uuid[], uuid[], text[], date[], text[]);
            DROP TABLE IF EXISTS {s}.{Fact}, {s}.{Documents}, {s}.{Trusts}, {s}.{Services};
            """);
        return sql.ToString();
    }

    /// <summary>What Uninstall would find: the mart's tables, functions and triggers present in the schema, by name.</summary>
    public static string Present(string schema) => $"""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = {CoverageSql.Quote(schema)} AND c.relkind = 'r' AND c.relname IN ({CoverageSql.Quote(Fact)}, {CoverageSql.Quote(Services)}, {CoverageSql.Quote(Trusts)}, {CoverageSql.Quote(Documents)})
        UNION ALL
        SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = {CoverageSql.Quote(schema)} AND p.proname IN ({CoverageSql.Quote(ApplyFunction)}, {CoverageSql.Quote(TriggerFunction)}, {CoverageSql.Quote(TruncateFunction)})
        UNION ALL
        SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = {CoverageSql.Quote(schema)} AND c.relname = {CoverageSql.Quote(Source)} AND t.tgname IN ({string.Join(", ", TriggerNames.Select(CoverageSql.Quote))})
        """;

    /// <summary>Views (or materialized views) of the users' that read the mart's tables, by name: they would stop the uninstall.</summary>
    public static string DependentViews(string schema) => $"""
        SELECT DISTINCT vn.nspname || '.' || v.relname
        FROM pg_depend d
        JOIN pg_rewrite r ON r.oid = d.objid
        JOIN pg_class v ON v.oid = r.ev_class
        JOIN pg_namespace vn ON vn.oid = v.relnamespace
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE tn.nspname = {CoverageSql.Quote(schema)} AND t.relname IN ({CoverageSql.Quote(Fact)}, {CoverageSql.Quote(Services)}, {CoverageSql.Quote(Trusts)}, {CoverageSql.Quote(Documents)})
          AND v.oid <> t.oid
        ORDER BY 1
        """;

    /// <summary>
    /// A band of a service as the fact stores it: the JSON number as bigint, NULL where absent, not a number, or beyond
    /// bigint (the trigger must never fail a write to trust_metrics). The JSONB reader's own expression, cast alike.
    /// </summary>
    public static string BandValue(string value, string key) =>
        $"CASE WHEN jsonb_typeof({value} -> '{key}') = 'number' AND abs(({value} ->> '{key}')::numeric) < 9e18 THEN ({value} ->> '{key}')::numeric::bigint END";

    /// <summary>
    /// The function that brings the mart up to date for the given rows: <paramref name="changed"/> ids (old and new) and
    /// the trust-months (normalised keys) they had or have. Every row of those trust-months is read again, so two rows
    /// that name one trust-month (a duplicate the checks report) both stay in the fact.
    /// </summary>
    private static string ApplyFunctionSql(string s)
    {
        // Each band of a service is taken out of its object once (jsonb_to_record with jsonb columns: j_<band>) and made a
        // number once (n_<band>, NULL unless a JSON number); the fact, the band sums and the coverage figures all use those.
        string record = string.Join(", ", BandColumns.Select(c => c + " jsonb"));
        string numbers = string.Join(",\n                           ", BandColumns.Select(c =>
            $"r.{c} AS j_{c}, CASE WHEN jsonb_typeof(r.{c}) = 'number' THEN r.{c}::numeric END AS n_{c}"));
        string factValues = string.Join(", ", BandColumns.Select(c => $"CASE WHEN abs(b.n_{c}) < 9e18 THEN b.n_{c}::bigint END"));
        // NULL where no service has the band (as a sum over the fact gives), e.g. the 52+ week split before December 2024.
        string bandSums = string.Join(", ", BandColumns.Select(c => $"sum(CASE WHEN abs(b.n_{c}) < 9e18 THEN b.n_{c}::bigint END)"));
        string noSums = "ARRAY[" + string.Join(", ", BandColumns.Select(_ => "NULL")) + "]::numeric[]";
        string w52 = BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks);
        return $$"""
            CREATE OR REPLACE FUNCTION {{s}}.{{ApplyFunction}}(changed uuid[], new_ids uuid[], key_trusts text[], key_periods date[], key_types text[])
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp
            -- One plan per session for the big statement, not one per call: planning it costs more than running it for a month.
            SET plan_cache_mode = force_generic_plan AS $apply$
            DECLARE
                ids uuid[];
            BEGIN
                IF key_trusts IS NULL THEN
                    SELECT array_agg(upper(btrim(t.trust_code))), array_agg(t.period), array_agg(lower(btrim(t.data_type)))
                    INTO key_trusts, key_periods, key_types
                    FROM (SELECT DISTINCT trust_code, period, data_type FROM {{Source}} WHERE id = ANY(changed)) AS t;
                END IF;

                SELECT array_agg(DISTINCT x.id) INTO ids
                FROM (SELECT d.id FROM {{Documents}} d
                      WHERE d.period = ANY(key_periods) AND d.trust_code = ANY(key_trusts)
                        AND (d.trust_code, d.period, d.data_type) IN (SELECT * FROM unnest(key_trusts, key_periods, key_types))
                      UNION ALL
                      SELECT unnest(new_ids)) AS x;

                DELETE FROM {{Documents}} WHERE id = ANY(changed) OR id = ANY(ids);
                -- The ANYs let the index find the trust-months (a join with unnest is planned as a scan of the whole fact).
                DELETE FROM {{Fact}} f
                WHERE f.period = ANY(key_periods) AND f.trust_code = ANY(key_trusts)
                  AND (f.trust_code, f.period, f.data_type) IN (SELECT * FROM unnest(key_trusts, key_periods, key_types));

                WITH scope AS MATERIALIZED (
                    SELECT t.id, t.xmin AS source_xmin, upper(btrim(t.trust_code)) AS trust_code, t.period, lower(btrim(t.data_type)) AS data_type,
                           t.trust_name, t.icb_code, t.icb_name, t.community_data AS doc
                    FROM {{Source}} t
                    WHERE t.id = ANY(ids)
                ),
                {{CoverageSql.ServicesCte("services", "scope")}},
                bands AS MATERIALIZED (
                    -- Only what the rest needs is kept: the numbers, whether the service is plainly clean, and its JSON only when not.
                    -- (OFFSET 0 keeps each number worked out once, not once for every place the test names it.)
                    SELECT x.id, x.json_key, x.service, {{string.Join(", ", BandColumns.Select(c => "x.n_" + c))}},
                           CASE WHEN NOT x.clean THEN x.v END AS v, x.clean
                    FROM (SELECT y.*, coalesce({{CleanFromBands("y")}}, false) AS clean
                          FROM (SELECT e.id, e.json_key, e.service, e.v, jsonb_typeof(e.v) = 'object' AS is_object,
                                       {{numbers}}
                                FROM services e
                                LEFT JOIN LATERAL jsonb_to_record(CASE WHEN jsonb_typeof(e.v) = 'object' THEN e.v END) AS r({{record}}) ON true
                                OFFSET 0) AS y) AS x
                ),
                fact AS (
                    INSERT INTO {{Fact}} (trust_code, trust_name, icb_code, icb_name, period, data_type, category, service_key, service_name, {{string.Join(", ", BandColumns)}})
                    SELECT s.trust_code, s.trust_name, s.icb_code, s.icb_name, s.period, s.data_type,
                           CASE b.json_key WHEN 'adult_services' THEN 'adult' ELSE 'cyp' END, b.service, c.service_name,
                           {{factValues}}
                    FROM bands b
                    JOIN scope s ON s.id = b.id
                    LEFT JOIN {{Services}} c ON c.category = CASE b.json_key WHEN 'adult_services' THEN 'adult' ELSE 'cyp' END AND c.service_key = b.service
                ),
                totals AS (
                    SELECT b.id, count(*) AS services, coalesce(sum(b.n_total_waiting), 0) AS total_waiting,
                           count(*) FILTER (WHERE b.n_{{w52}} > 0) AS services_52, coalesce(sum(b.n_{{w52}}), 0) AS waiting_52,
                           jsonb_agg(jsonb_build_array(b.json_key, b.service, b.v)) FILTER (WHERE NOT b.clean) AS suspects,
                           ARRAY[{{bandSums}}]::numeric[] AS band_sums
                    FROM bands b
                    GROUP BY b.id
                ),
                shapes AS (
                    {{Indent(CoverageSql.DocumentShapesSelect("scope"), 4)}}
                )
                INSERT INTO {{Documents}}
                SELECT s.id, s.source_xmin, s.trust_code, s.period, s.data_type, s.trust_name, s.icb_code, s.icb_name,
                       h.doc_type, h.doc_state, h.adult_services_type, h.cyp_services_type, h.metadata_type, h.metadata,
                       coalesce(a.services, 0), coalesce(a.total_waiting, 0), coalesce(a.services_52, 0), coalesce(a.waiting_52, 0), a.suspects,
                       coalesce(a.band_sums, {{noSums}})
                FROM scope s
                JOIN shapes h ON h.id = s.id
                LEFT JOIN totals a ON a.id = s.id;

                -- Only a change in a trust's latest month (or a later one, or a trust not yet known) can change its latest name and ICB.
                SELECT array_agg(DISTINCT k.trust_code) INTO key_trusts
                FROM unnest(key_trusts, key_periods) AS k(trust_code, period)
                LEFT JOIN {{Trusts}} t ON t.trust_code = k.trust_code
                WHERE t.trust_code IS NULL OR k.period >= t.latest_period;
                IF key_trusts IS NOT NULL THEN
                    DELETE FROM {{Trusts}} t
                    WHERE t.trust_code = ANY(key_trusts) AND NOT EXISTS (SELECT 1 FROM {{Documents}} d WHERE d.trust_code = t.trust_code);
                    INSERT INTO {{Trusts}} AS t (trust_code, trust_name, icb_code, icb_name, latest_period)
                    SELECT k.trust_code, l.trust_name, l.icb_code, l.icb_name, l.period
                    FROM unnest(key_trusts) AS k(trust_code)
                    CROSS JOIN LATERAL (SELECT d.trust_name, d.icb_code, d.icb_name, d.period FROM {{Documents}} d
                                        WHERE d.trust_code = k.trust_code
                                        ORDER BY d.period DESC, d.data_type = 'monthly' DESC, d.data_type, d.id
                                        LIMIT 1) AS l
                    ON CONFLICT (trust_code) DO UPDATE
                    SET trust_name = EXCLUDED.trust_name, icb_code = EXCLUDED.icb_code, icb_name = EXCLUDED.icb_name, latest_period = EXCLUDED.latest_period
                    WHERE (t.trust_name, t.icb_code, t.icb_name, t.latest_period) IS DISTINCT FROM (EXCLUDED.trust_name, EXCLUDED.icb_code, EXCLUDED.icb_name, EXCLUDED.latest_period);
                END IF;
            END
            $apply$;
            """;
    }

    /// <summary>
    /// <see cref="CoverageSql.CleanServicePredicate"/> worked out from the bands already taken out (j_ and n_ columns of
    /// <paramref name="alias"/>), for the mart's trigger, which must be cheap: an object whose eight keys are whole
    /// non-negative numbers, both halves of the split or neither, bands that add up, a key the catalogue knows. It may
    /// let through what the text test would hold back (1.0, or an extra key that is not a number); no check finds
    /// anything there, so the findings are the same, which the tests compare on the real backfill.
    /// </summary>
    private static string CleanFromBands(string alias)
    {
        string N(string key) => $"{alias}.n_{key}";
        string adult = CoverageSql.ArrayLiteral(ServiceCatalogue.All.Where(d => d.Category == ServiceCategory.Adult).Select(d => d.Key));
        string cyp = CoverageSql.ArrayLiteral(ServiceCatalogue.All.Where(d => d.Category == ServiceCategory.CYP).Select(d => d.Key));
        string whole = string.Join("\n                 AND ", BandColumns.Select(c => $"({alias}.j_{c} IS NULL OR ({N(c)} >= 0 AND {N(c)} = trunc({N(c)})))"));
        string required = string.Join(" AND ", CoverageSql.RequiredBandKeys.Select(k => $"{N(k)} IS NOT NULL"));
        return $$"""
            {{alias}}.is_object AND {{required}}
                 AND {{whole}}
                 AND ({{alias}}.j_{{CoverageSql.SplitBandKeys[0]}} IS NULL) = ({{alias}}.j_{{CoverageSql.SplitBandKeys[1]}} IS NULL)
                 AND CASE {{alias}}.json_key WHEN 'adult_services' THEN {{alias}}.service = ANY({{adult}}) ELSE {{alias}}.service = ANY({{cyp}}) END
                 AND {{N(CoverageSql.RequiredBandKeys[0])}} = {{string.Join(" + ", CoverageSql.BandSumKeys.Select(N))}}
                 AND ({{alias}}.j_{{CoverageSql.SplitBandKeys[0]}} IS NULL OR {{N(BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks))}} = {{N(CoverageSql.SplitBandKeys[0])}} + {{N(CoverageSql.SplitBandKeys[1])}})
            """;
    }

    /// <summary>
    /// The trigger functions: the rows a statement inserted, deleted, or updated in a column the mart reads (compared
    /// old with new, so an update of rtt_data alone costs a join and nothing more), then the apply function once.
    /// </summary>
    private static string TriggerFunctionsSql(string s)
    {
        string[] columns = ["community_data", "trust_code", "trust_name", "icb_code", "icb_name", "period", "data_type"];
        string Row(string alias) => string.Join(", ", columns.Select(c => alias + "." + c));
        string Keys(string rows) => $"""
                    SELECT array_agg(k.trust_code), array_agg(k.period), array_agg(k.data_type)
                    INTO key_trusts, key_periods, key_types
                    FROM (SELECT DISTINCT upper(btrim(trust_code)) AS trust_code, period, lower(btrim(data_type)) AS data_type FROM {rows}) AS k;
            """;
        return $$"""
            CREATE OR REPLACE FUNCTION {{s}}.{{TriggerFunction}}()
            RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp AS $on_change$
            DECLARE
                changed uuid[];
                new_ids uuid[];
                key_trusts text[];
                key_periods date[];
                key_types text[];
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    SELECT array_agg(id) INTO new_ids FROM new_rows;
                    changed := new_ids;
            {{Keys("new_rows")}}
                ELSIF TG_OP = 'DELETE' THEN
                    SELECT array_agg(id) INTO changed FROM old_rows;
            {{Keys("old_rows")}}
                ELSE
                    WITH pairs AS MATERIALIZED (
                        SELECT o.id AS old_id, n.id AS new_id,
                               upper(btrim(o.trust_code)) AS old_trust, o.period AS old_period, lower(btrim(o.data_type)) AS old_type,
                               upper(btrim(n.trust_code)) AS new_trust, n.period AS new_period, lower(btrim(n.data_type)) AS new_type
                        FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
                        WHERE o.id IS NULL OR n.id IS NULL OR ({{Row("o")}}) IS DISTINCT FROM ({{Row("n")}})
                    ),
                    ids AS (
                        SELECT old_id AS id FROM pairs WHERE old_id IS NOT NULL
                        UNION SELECT new_id FROM pairs WHERE new_id IS NOT NULL
                    ),
                    keys AS (
                        SELECT old_trust AS trust_code, old_period AS period, old_type AS data_type FROM pairs WHERE old_id IS NOT NULL
                        UNION SELECT new_trust, new_period, new_type FROM pairs WHERE new_id IS NOT NULL
                    )
                    SELECT i.changed, i.new_ids, k.trusts, k.periods, k.types
                    INTO changed, new_ids, key_trusts, key_periods, key_types
                    FROM (SELECT (SELECT array_agg(id) FROM ids) AS changed,
                                 (SELECT array_agg(new_id) FROM pairs WHERE new_id IS NOT NULL) AS new_ids) AS i,
                         (SELECT array_agg(trust_code) AS trusts, array_agg(period) AS periods, array_agg(data_type) AS types FROM keys) AS k;
                END IF;

                IF changed IS NOT NULL THEN
                    PERFORM {{s}}.{{ApplyFunction}}(changed, new_ids, key_trusts, key_periods, key_types);
                END IF;
                IF TG_OP = 'UPDATE' THEN
                    -- Rows updated in columns the mart does not read keep their figures; only the version they were read at moves on.
                    UPDATE {{Documents}} m SET source_xmin = t.xmin
                    FROM new_rows n JOIN {{Source}} t ON t.id = n.id
                    WHERE m.id = n.id AND NOT (m.source_xmin = t.xmin);
                END IF;
                RETURN NULL;
            END
            $on_change$;

            CREATE OR REPLACE FUNCTION {{s}}.{{TruncateFunction}}()
            RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp AS $on_truncate$
            BEGIN
                TRUNCATE {{Fact}}, {{Documents}}, {{Trusts}};
                RETURN NULL;
            END
            $on_truncate$;
            """;
    }

    private static string ServiceValues() => string.Join(",\n    ", ServiceCatalogue.All.Select(d =>
        $"({CoverageSql.Quote(CategoryOf(d.Category))}, {CoverageSql.Quote(d.Key)}, {CoverageSql.Quote(d.HeaderText)}, {(d.NationalOnly ? "false" : "true")})"));

    private static string Indent(string text, int spaces) =>
        text.Trim().Replace("\n", "\n" + new string(' ', spaces), StringComparison.Ordinal);
}
