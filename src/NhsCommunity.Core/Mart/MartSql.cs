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

    /// <summary>The trust-months of the fact or of the documents table written by anyone but the mart's triggers (internal).</summary>
    public const string Edits = "community_mart_edit";

    /// <summary>Set (transaction-local) while the mart's own functions write its tables, so the guards let those writes pass.</summary>
    public const string ApplyingSetting = "nhscommunity.mart_apply";

    private const string Source = CoverageSql.Table;

    private const string ApplyFunction = "community_mart_apply";

    private const string TriggerFunction = "community_mart_on_change";

    private const string TruncateFunction = "community_mart_on_truncate";

    private const string GuardFunction = "community_mart_on_edit";

    /// <summary>The guards on the fact and on the documents table (the same names on both), each recording a hand edit in <see cref="Edits"/>.</summary>
    public static readonly IReadOnlyList<string> GuardNames =
        ["community_mart_guard_insert", "community_mart_guard_update", "community_mart_guard_delete", "community_mart_guard_truncate"];

    /// <summary>The documents table's per-row band sums, as the fact's rows of that row add up: sum_total_waiting, sum_wait_0_1_weeks, ...</summary>
    public static IReadOnlyList<string> SumColumns { get; } = BandCatalogue.All.Select(b => "sum_" + b.JsonKey).ToArray();

    /// <summary>The triggers on trust_metrics, by name; all four must be there (and enabled) for the mart to be installed.</summary>
    public static readonly IReadOnlyList<string> TriggerNames =
        ["community_mart_insert", "community_mart_update", "community_mart_delete", "community_mart_truncate"];

    /// <summary>The fact's category for a JSON category key: 'adult' or 'cyp'.</summary>
    public static string CategoryOf(ServiceCategory category) => category == ServiceCategory.Adult ? "adult" : "cyp";

    /// <summary>The band columns of the fact, in the contract's order (total_waiting first).</summary>
    public static IReadOnlyList<string> BandColumns { get; } = BandCatalogue.All.Select(b => b.JsonKey).ToArray();

    /// <summary>
    /// One round trip's worth: true when the fact, its documents and edits tables (a mart of this version) and the four enabled triggers are there and this
    /// user may read the mart (else the readers use the JSONB). Cheap: catalog lookups only.
    /// </summary>
    public static readonly string InstalledProbe = $"""
        SELECT to_regclass('{Fact}') IS NOT NULL AND to_regclass('{Documents}') IS NOT NULL AND to_regclass('{Edits}') IS NOT NULL
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
        string sums = string.Join(",\n    ", SumColumns.Select(c => c + " numeric"));
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"""
            LOCK TABLE {s}.{Source} IN SHARE ROW EXCLUSIVE MODE;
            -- The install's own writes are not hand edits (see the guards below).
            SELECT set_config('{ApplyingSetting}', 'on', true);
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
            -- Internal and rebuilt below, so made afresh (a mart installed by an earlier version had other columns).
            DROP TABLE IF EXISTS {s}.{Documents};
            CREATE TABLE {s}.{Documents} (
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
                null_totals bigint NOT NULL,
                unknown_services bigint NOT NULL,
                metadata_plain boolean NOT NULL,
                {sums}
            );
            CREATE INDEX {Documents}_month ON {s}.{Documents} (period, trust_code, data_type);
            CREATE INDEX {Documents}_trust ON {s}.{Documents} (trust_code, period DESC);
            CREATE TABLE IF NOT EXISTS {s}.{Edits} (
                trust_code text,
                period date,
                data_type text,
                whole boolean NOT NULL DEFAULT false
            );
            COMMENT ON TABLE {s}.{Fact} IS 'NhsCommunity mart: one row per trust, month, data type, category and service in trust_metrics.community_data; kept equal to the documents by triggers on trust_metrics (Install-CommunityMart).';
            COMMENT ON TABLE {s}.{Documents} IS 'NhsCommunity mart: one row per trust_metrics row, the figures Test-CommunityCoverage reads; source_xmin shows a change the triggers missed.';
            COMMENT ON TABLE {s}.{Edits} IS 'NhsCommunity mart: trust-months whose mart rows were written by hand, not by the triggers on trust_metrics (Test-CommunityCoverage tests them; Install-CommunityMart clears them).';
            DELETE FROM {s}.{Services};
            INSERT INTO {s}.{Services} (category, service_key, service_name, published_for_providers) VALUES
                {ServiceValues()};

            """);
        sql.Append(ApplyFunctionSql(s)).Append('\n');
        sql.Append(TriggerFunctionsSql(s)).Append('\n');
        sql.Append(GuardFunctionSql(s)).Append('\n');
        sql.Append(CultureInfo.InvariantCulture, $"""
            REVOKE ALL ON FUNCTION {s}.{ApplyFunction}(uuid[], uuid[], text[], date[], text[]) FROM PUBLIC;
            {DropTriggers(s)}
            CREATE TRIGGER {TriggerNames[0]} AFTER INSERT ON {s}.{Source} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[1]} AFTER UPDATE ON {s}.{Source} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[2]} AFTER DELETE ON {s}.{Source} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TriggerFunction}();
            CREATE TRIGGER {TriggerNames[3]} AFTER TRUNCATE ON {s}.{Source} FOR EACH STATEMENT EXECUTE FUNCTION {s}.{TruncateFunction}();
            {CreateGuards(s, Fact)}
            {CreateGuards(s, Documents)}
            TRUNCATE {s}.{Fact}, {s}.{Documents}, {s}.{Trusts};
            SELECT {s}.{ApplyFunction}(ids, ids, NULL, NULL, NULL) FROM (SELECT array_agg(id) AS ids FROM {s}.{Source}) AS a WHERE ids IS NOT NULL;
            TRUNCATE {s}.{Edits};
            SELECT set_config('{ApplyingSetting}', 'off', true);
            DO $grants$
            DECLARE r record;
            BEGIN
                -- Exactly the roles that may read trust_metrics may read the mart (default privileges, such as Supabase's
                -- for its API roles, would otherwise open it wider than the table).
                FOR r IN SELECT g.grantee FROM information_schema.role_table_grants g
                         WHERE g.table_schema = {CoverageSql.Quote(schema)} AND g.table_name IN ({MartTables(t => CoverageSql.Quote(t))})
                           AND g.grantee <> current_user AND g.grantee <> 'PUBLIC'
                LOOP
                    EXECUTE format('REVOKE ALL ON {MartTables(t => s + "." + t)} FROM %I', r.grantee);
                END LOOP;
                REVOKE ALL ON {MartTables(t => s + "." + t)} FROM PUBLIC;
                FOR r IN SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
                         WHERE g.table_schema = {CoverageSql.Quote(schema)} AND g.table_name = {CoverageSql.Quote(Source)} AND g.privilege_type = 'SELECT'
                           AND g.grantee <> current_user
                LOOP
                    IF r.grantee = 'PUBLIC' THEN
                        GRANT SELECT ON {MartTables(t => s + "." + t)} TO PUBLIC;
                    ELSE
                        EXECUTE format('GRANT SELECT ON {MartTables(t => s + "." + t)} TO %I', r.grantee);
                    END IF;
                END LOOP;
            END
            $grants$;
            SELECT (SELECT count(*) FROM {s}.{Fact}), (SELECT count(*) FROM {s}.{Documents}), (SELECT count(*) FROM {s}.{Trusts}), (SELECT count(*) FROM {s}.{Services});
            """);
        return sql.ToString();
    }

    /// <summary>The mart's tables, each through <paramref name="name"/>, comma-separated.</summary>
    private static string MartTables(Func<string, string> name) => string.Join(", ", new[] { Fact, Services, Trusts, Documents, Edits }.Select(name));

    private static string DropTriggers(string s) => string.Join("\n", TriggerNames.Select(t => $"DROP TRIGGER IF EXISTS {t} ON {s}.{Source};")
        .Concat(new[] { Fact, Documents }.SelectMany(table => GuardNames.Select(t => $"DROP TRIGGER IF EXISTS {t} ON {s}.{table};"))));

    /// <summary>The guards on <paramref name="table"/>: any write the mart's own functions did not make records its trust-months (a TRUNCATE: everything).</summary>
    private static string CreateGuards(string s, string table) => $"""
        CREATE TRIGGER {GuardNames[0]} AFTER INSERT ON {s}.{table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{GuardFunction}();
        CREATE TRIGGER {GuardNames[1]} AFTER UPDATE ON {s}.{table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{GuardFunction}();
        CREATE TRIGGER {GuardNames[2]} AFTER DELETE ON {s}.{table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {s}.{GuardFunction}();
        CREATE TRIGGER {GuardNames[3]} AFTER TRUNCATE ON {s}.{table} FOR EACH STATEMENT EXECUTE FUNCTION {s}.{GuardFunction}();
        """;

    /// <summary>
    /// The guards' function: a statement on the fact or the documents table that the mart's functions did not make (the
    /// setting is off) records the trust-months of the rows it wrote, before and after; a TRUNCATE records the whole mart.
    /// The mart's tests then look at those trust-months in full (<see cref="MartChecks"/>).
    /// </summary>
    private static string GuardFunctionSql(string s) => $$"""
        CREATE OR REPLACE FUNCTION {{s}}.{{GuardFunction}}()
        RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp AS $on_edit$
        BEGIN
            IF current_setting('{{ApplyingSetting}}', true) = 'on' THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'TRUNCATE' THEN
                INSERT INTO {{Edits}} (whole) VALUES (true);
            ELSIF TG_OP = 'INSERT' THEN
                INSERT INTO {{Edits}} (trust_code, period, data_type) SELECT DISTINCT trust_code, period, data_type FROM new_rows;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO {{Edits}} (trust_code, period, data_type) SELECT DISTINCT trust_code, period, data_type FROM old_rows;
            ELSE
                INSERT INTO {{Edits}} (trust_code, period, data_type)
                SELECT trust_code, period, data_type FROM old_rows UNION SELECT trust_code, period, data_type FROM new_rows;
            END IF;
            RETURN NULL;
        END
        $on_edit$;
        """;

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
            DROP TABLE IF EXISTS {MartTables(t => s + "." + t)};
            DROP FUNCTION IF EXISTS {s}.{GuardFunction}();
            """);
        return sql.ToString();
    }

    /// <summary>What Uninstall would find: the mart's tables, functions and triggers present in the schema, by name.</summary>
    public static string Present(string schema) => $"""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = {CoverageSql.Quote(schema)} AND c.relkind = 'r' AND c.relname IN ({MartTables(CoverageSql.Quote)})
        UNION ALL
        SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = {CoverageSql.Quote(schema)} AND p.proname IN ({CoverageSql.Quote(ApplyFunction)}, {CoverageSql.Quote(TriggerFunction)}, {CoverageSql.Quote(TruncateFunction)}, {CoverageSql.Quote(GuardFunction)})
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
        WHERE tn.nspname = {CoverageSql.Quote(schema)} AND t.relname IN ({MartTables(CoverageSql.Quote)})
          AND v.oid <> t.oid
        ORDER BY 1
        """;

    /// <summary>
    /// The function that brings the mart up to date for the given rows: <paramref name="changed"/> ids (old and new) and
    /// the trust-months (normalised keys) they had or have. Every row of those trust-months is read again, so two rows
    /// that name one trust-month (a duplicate the checks report) both stay in the fact. The rows are read the fast way
    /// (<see cref="FillSql"/>); a number that way cannot take (a fraction, one beyond bigint) makes the statement start
    /// again reading every band as JSON, which gives the same rows.
    /// </summary>
    private static string ApplyFunctionSql(string s) => $$"""
        CREATE OR REPLACE FUNCTION {{s}}.{{ApplyFunction}}(changed uuid[], new_ids uuid[], key_trusts text[], key_periods date[], key_types text[])
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp
        -- One plan per session for the big statement, not one per call: planning it costs more than running it for a month.
        SET plan_cache_mode = force_generic_plan AS $apply$
        DECLARE
            ids uuid[];
            facts_there boolean;
            edited boolean := EXISTS (SELECT 1 FROM {{Edits}});
            applying text := current_setting('{{ApplyingSetting}}', true);
        BEGIN
            -- These writes are the mart's own: the guards on its tables let them pass.
            PERFORM set_config('{{ApplyingSetting}}', 'on', true);
            IF key_trusts IS NULL THEN
                SELECT array_agg(upper(btrim(t.trust_code))), array_agg(t.period), array_agg(lower(btrim(t.data_type)))
                INTO key_trusts, key_periods, key_types
                FROM (SELECT DISTINCT trust_code, period, data_type FROM {{Source}} WHERE id = ANY(changed)) AS t;
            END IF;

            -- Joins with the keys, one index probe each (an = ANY(array) condition on the inner side of a join would sort
            -- the array again for every probe).
            SELECT array_agg(DISTINCT x.id), coalesce(bool_or(x.services > 0), false) INTO ids, facts_there
            FROM (SELECT d.id, d.services
                  FROM (SELECT DISTINCT * FROM unnest(key_trusts, key_periods, key_types)) AS k(trust_code, period, data_type)
                  JOIN {{Documents}} d ON d.period = k.period AND d.trust_code = k.trust_code AND d.data_type = k.data_type
                  UNION ALL
                  SELECT unnest(new_ids), 0) AS x;

            DELETE FROM {{Documents}} WHERE id = ANY(changed) OR id = ANY(ids);
            -- The fact has rows for those trust-months only where their documents had services, or where someone wrote
            -- the fact by hand; a month loaded into empty rows (a backfill's usual case) has none to look for.
            IF facts_there OR edited THEN
                DELETE FROM {{Fact}} f
                USING (SELECT DISTINCT * FROM unnest(key_trusts, key_periods, key_types)) AS k(trust_code, period, data_type)
                WHERE f.period = k.period AND f.trust_code = k.trust_code AND f.data_type = k.data_type;
            END IF;
            -- Those trust-months are rebuilt from the documents: a hand edit there is gone with them.
            IF edited THEN
                DELETE FROM {{Edits}} e
                WHERE NOT e.whole AND (e.trust_code, e.period, e.data_type) IN (SELECT * FROM unnest(key_trusts, key_periods, key_types));
            END IF;

            BEGIN
                {{Indent(FillSql(fast: true), 8)}};
            EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
                {{Indent(FillSql(fast: false), 8)}};
            END;

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
            PERFORM set_config('{{ApplyingSetting}}', coalesce(nullif(applying, ''), 'off'), true);
        END
        $apply$;
        """;

    /// <summary>
    /// The statement that writes the fact's and the documents table's rows for the trust_metrics rows <c>ids</c>. Each
    /// document is taken apart once (its three keys, then each category's services). With <paramref name="fast"/>, a
    /// category whose services hold nothing but JSON numbers (one jsonpath test) has its bands read straight as bigint
    /// (jsonb_to_record), several times cheaper than reading each band as JSON and testing its type; a fraction or a
    /// number beyond bigint there fails the statement, and the caller runs it again without. Other categories, and all
    /// of them without <paramref name="fast"/>, read each band as JSON: NULL unless a JSON number. Both ways give the
    /// same numbers, and a service is "clean" exactly as <see cref="CoverageSql.CleanServicePredicate"/> says (the
    /// coverage report examines only the others, kept as suspects).
    /// </summary>
    private static string FillSql(bool fast)
    {
        string w52 = BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks);
        string known = $"CASE e.json_key WHEN 'adult_services' THEN e.service = ANY({CatalogueKeys(ServiceCategory.Adult)}) ELSE e.service = ANY({CatalogueKeys(ServiceCategory.CYP)}) END";
        string Plain(string section) => fast
            ? $"CASE WHEN jsonb_typeof({section}) = 'object' THEN coalesce(NOT jsonb_path_exists({section}, 'strict $.*.* ? (@.type() != \"number\")', '{{}}', true), false) ELSE false END"
            : "false";
        string slowRecord = string.Join(", ", BandColumns.Select(c => c + " jsonb"));
        string slowNumbers = string.Join(", ", BandColumns.Select(c => $"CASE WHEN jsonb_typeof(r.{c}) = 'number' THEN r.{c}::numeric END AS n_{c}"));
        string slowFact = string.Join(", ", BandColumns.Select(c => $"CASE WHEN abs(y.n_{c}) < 9e18 THEN y.n_{c}::bigint END AS f_{c}"));
        string slow = $"""
            SELECT y.id, y.json_key, y.service, y.v, y.known, {slowFact}, y.n_total_waiting AS n_total, y.n_{w52} AS n_52,
                   coalesce({CoverageSql.CleanServicePredicate("y")}, false) AS clean
            FROM (SELECT e.id, e.json_key, e.service, e.v, {known} AS known, {slowNumbers}
                  FROM services e
                  LEFT JOIN LATERAL jsonb_to_record(CASE WHEN jsonb_typeof(e.v) = 'object' THEN e.v END) AS r({slowRecord}) ON true
                  WHERE NOT e.plain
                  OFFSET 0) AS y
            """;
        string bands = slow;
        if (fast)
        {
            string fastRecord = string.Join(", ", BandColumns.Select(c => c + " bigint"));
            string fastFact = string.Join(", ", BandColumns.Select(c => $"CASE WHEN y.{c} > -9000000000000000000 AND y.{c} < 9000000000000000000 THEN y.{c} END AS f_{c}"));
            // The bands are bigint columns here (a fraction would have failed the statement), so a present band is a
            // whole number and only its sign is left to test.
            string clean = CoverageSql.CleanServiceRule(
                isObject: "y.is_object",
                requiredPresent: string.Join(" AND ", CoverageSql.RequiredBandKeys.Select(k => $"y.{k} IS NOT NULL")),
                has: key => $"y.{key} IS NOT NULL",
                number: key => "y." + key,
                wholeNonNegative: string.Join(" AND ", BandColumns.Select(c => $"(y.{c} IS NULL OR y.{c} >= 0)")),
                known: "y.known");
            bands = $"""
                SELECT y.id, y.json_key, y.service, y.v, y.known, {fastFact}, y.total_waiting::numeric AS n_total, y.{w52}::numeric AS n_52,
                       coalesce({Indent(clean, 16)}, false) AS clean
                FROM (SELECT e.id, e.json_key, e.service, e.v, jsonb_typeof(e.v) = 'object' AS is_object, {known} AS known, r.*
                      FROM services e
                      LEFT JOIN LATERAL jsonb_to_record(CASE WHEN jsonb_typeof(e.v) = 'object' THEN e.v END) AS r({fastRecord}) ON true
                      WHERE e.plain
                      OFFSET 0) AS y
                UNION ALL
                {slow}
                """;
        }

        string factColumns = string.Join(", ", BandColumns);
        string factValues = string.Join(", ", BandColumns.Select(c => "b.f_" + c));
        string sums = string.Join(", ", BandColumns.Select(c => $"sum(b.f_{c}) AS sum_{c}"));
        return $$"""
            WITH scope AS MATERIALIZED (
                -- Each document is decompressed once per key taken out, not once per service.
                SELECT d.*, {{Plain("d.adult_services")}} AS adult_plain, {{Plain("d.cyp_services")}} AS cyp_plain
                FROM (SELECT t.id, t.xmin AS source_xmin, upper(btrim(t.trust_code)) AS trust_code, t.period, lower(btrim(t.data_type)) AS data_type,
                             t.trust_name, t.icb_code, t.icb_name, jsonb_typeof(t.community_data) AS doc_type, t.community_data = '{}'::jsonb AS is_empty,
                             t.community_data -> 'adult_services' AS adult_services, t.community_data -> 'cyp_services' AS cyp_services,
                             t.community_data -> 'metadata' AS metadata
                      FROM {{Source}} t
                      WHERE t.id = ANY(ids)
                      OFFSET 0) AS d
            ),
            services AS NOT MATERIALIZED (
                SELECT s.id, c.json_key, c.plain, e.key AS service, e.value AS v
                FROM scope s
                CROSS JOIN LATERAL (VALUES ('adult_services', s.adult_services, s.adult_plain), ('cyp_services', s.cyp_services, s.cyp_plain)) AS c(json_key, section, plain)
                CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(c.section) = 'object' THEN c.section ELSE '{}'::jsonb END) AS e
            ),
            bands AS MATERIALIZED (
                -- The fact's values (f_), the two figures the coverage report adds up unrounded (n_), whether the service is
                -- plainly clean, and its JSON only when it is not.
                SELECT x.id, x.json_key, x.service, x.known, {{string.Join(", ", BandColumns.Select(c => "x.f_" + c))}}, x.n_total, x.n_52, x.clean,
                       CASE WHEN NOT x.clean THEN x.v END AS v
                FROM (
                    {{Indent(bands, 8)}}
                ) AS x
            ),
            fact AS (
                INSERT INTO {{Fact}} (trust_code, trust_name, icb_code, icb_name, period, data_type, category, service_key, service_name, {{factColumns}})
                SELECT s.trust_code, s.trust_name, s.icb_code, s.icb_name, s.period, s.data_type,
                       CASE b.json_key WHEN 'adult_services' THEN 'adult' ELSE 'cyp' END, b.service, c.service_name, {{factValues}}
                FROM bands b
                JOIN scope s ON s.id = b.id
                LEFT JOIN {{Services}} c ON c.category = CASE b.json_key WHEN 'adult_services' THEN 'adult' ELSE 'cyp' END AND c.service_key = b.service
            ),
            totals AS (
                SELECT b.id, count(*) AS services, coalesce(sum(b.n_total), 0) AS total_waiting,
                       count(*) FILTER (WHERE b.n_52 > 0) AS services_52, coalesce(sum(b.n_52), 0) AS waiting_52,
                       jsonb_agg(jsonb_build_array(b.json_key, b.service, b.v)) FILTER (WHERE NOT b.clean) AS suspects,
                       count(*) FILTER (WHERE b.f_total_waiting IS NULL) AS null_totals, count(*) FILTER (WHERE NOT b.known) AS unknown_services,
                       {{sums}}
                FROM bands b
                GROUP BY b.id
            )
            INSERT INTO {{Documents}} (id, source_xmin, trust_code, period, data_type, trust_name, icb_code, icb_name,
                                       doc_type, doc_state, adult_services_type, cyp_services_type, metadata_type, metadata,
                                       services, total_waiting, services_52, waiting_52, suspects, null_totals, unknown_services, metadata_plain, {{string.Join(", ", SumColumns)}})
            SELECT s.id, s.source_xmin, s.trust_code, s.period, s.data_type, s.trust_name, s.icb_code, s.icb_name,
                   s.doc_type,
                   CASE WHEN s.doc_type IS NULL OR s.doc_type = 'null' THEN 'null'
                        WHEN s.doc_type <> 'object' THEN 'invalid'
                        WHEN s.is_empty THEN 'empty'
                        ELSE 'object' END,
                   jsonb_typeof(s.adult_services), jsonb_typeof(s.cyp_services), jsonb_typeof(s.metadata),
                   CASE WHEN jsonb_typeof(s.metadata) = 'object' THEN s.metadata END,
                   coalesce(a.services, 0), coalesce(a.total_waiting, 0), coalesce(a.services_52, 0), coalesce(a.waiting_52, 0), a.suspects,
                   coalesce(a.null_totals, 0), coalesce(a.unknown_services, 0),
                   -- metadata no check can fault: every key there, each count a JSON number equal to what the services give.
                   coalesce(CASE WHEN jsonb_typeof(s.metadata) = 'object' AND s.metadata ?& {{CoverageSql.ArrayLiteral(CoverageSql.MetadataKeys)}}
                                      AND {{string.Join(" AND ", CoverageSql.MetadataNumberKeys.Select(k => $"jsonb_typeof(s.metadata -> '{k}') = 'number'"))}}
                                 THEN (s.metadata ->> '{{CoverageSql.MetadataNumberKeys[0]}}')::numeric = coalesce(a.services, 0)
                                      AND (s.metadata ->> '{{CoverageSql.MetadataNumberKeys[1]}}')::numeric = coalesce(a.total_waiting, 0)
                                      AND (s.metadata ->> '{{CoverageSql.MetadataNumberKeys[2]}}')::numeric = coalesce(a.services_52, 0)
                                 ELSE false END, false),
                   {{string.Join(", ", SumColumns.Select(c => "a." + c))}}
            FROM scope s
            LEFT JOIN totals a ON a.id = s.id
            """;
    }

    private static string CatalogueKeys(ServiceCategory category) =>
        CoverageSql.ArrayLiteral(ServiceCatalogue.All.Where(d => d.Category == category).Select(d => d.Key));

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
                applying text := current_setting('{{ApplyingSetting}}', true);
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
                    -- Rows updated in columns the mart does not read keep their figures; only the version they were read at moves on
                    -- (the mart's own write, which its guards let pass).
                    PERFORM set_config('{{ApplyingSetting}}', 'on', true);
                    UPDATE {{Documents}} m SET source_xmin = t.xmin
                    FROM new_rows n JOIN {{Source}} t ON t.id = n.id
                    WHERE m.id = n.id AND NOT (m.source_xmin = t.xmin) AND n.id <> ALL(coalesce(changed, '{}'));
                    PERFORM set_config('{{ApplyingSetting}}', coalesce(nullif(applying, ''), 'off'), true);
                END IF;
                RETURN NULL;
            END
            $on_change$;

            CREATE OR REPLACE FUNCTION {{s}}.{{TruncateFunction}}()
            RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{s}}, pg_temp AS $on_truncate$
            DECLARE
                applying text := current_setting('{{ApplyingSetting}}', true);
            BEGIN
                PERFORM set_config('{{ApplyingSetting}}', 'on', true);
                TRUNCATE {{Fact}}, {{Documents}}, {{Trusts}}, {{Edits}};
                PERFORM set_config('{{ApplyingSetting}}', coalesce(nullif(applying, ''), 'off'), true);
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
