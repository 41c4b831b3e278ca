using System.Globalization;
using System.Text;
using NhsCommunity.Catalogue;
using NhsCommunity.Ledger;

namespace NhsCommunity.Coverage;

/// <summary>
/// The relations every check and the coverage query read, written once:
/// <list type="bullet">
/// <item><c>scope</c>: the trust_metrics rows in scope, the document as <c>doc</c>;</item>
/// <item><c>services</c>: one row per service of a document (<c>json_key</c>, <c>service</c>, value <c>v</c>);</item>
/// <item><c>service_totals</c>: per document, the count of services, their total and 52+ week figures, and the
/// services that are not plainly clean (<c>suspects</c>);</item>
/// <item><c>document_shapes</c>: per scope row, the JSON types of the document and its three top keys, its
/// <c>doc_state</c> ('object', 'empty', 'null' or 'invalid') and <c>metadata</c>;</item>
/// <item><c>docs</c>: one small row per scope row: the shapes, the figures of service_totals, and per trust the
/// rows with data and the first and last month with data;</item>
/// <item><c>facts</c>: those suspect services with every band's JSON type (<c>&lt;key&gt;_type</c>) and number
/// (<c>&lt;key&gt;</c>), and the document's metadata.blank_bands (band paths the workbook left blank);</item>
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

    /// <param name="plainDocumentsGiven">True when the client passes the plain documents' figures (Parameters style only).</param>
    /// <param name="partitioned">True to read one part of the trusts, chosen by @partition of @partitions (Parameters style only).</param>
    /// <param name="fromMart">True to take each document's shape and figures from the mart (<see cref="Mart.MartSql.Documents"/>), which keeps them as this SQL works them out.</param>
    public CoverageSql(CoverageScope scope, SqlStyle style, bool plainDocumentsGiven = false, bool partitioned = false, bool fromMart = false)
    {
        if (fromMart && plainDocumentsGiven)
        {
            throw new ArgumentException("The mart already holds every document's figures: give no plain documents.", nameof(fromMart));
        }

        if (fromMart && scope.AsOf is not null)
        {
            throw new ArgumentException("The mart holds the documents as they are now, not as of a past moment.", nameof(fromMart));
        }

        if ((plainDocumentsGiven || partitioned) && style != SqlStyle.Parameters)
        {
            throw new ArgumentException("Plain documents and partitions are passed as parameters, so need the Parameters style.", nameof(style));
        }

        Scope = scope;
        Style = style;
        PlainDocumentsGiven = plainDocumentsGiven;
        Partitioned = partitioned;
        FromMart = fromMart;
    }

    /// <summary>The documents' shapes and figures come from the mart rather than from the JSONB.</summary>
    public bool FromMart { get; }

    public CoverageScope Scope { get; }

    /// <summary>
    /// The relation every read takes its rows from: trust_metrics, or with <see cref="CoverageScope.AsOf"/> the
    /// table as it stood then (<see cref="LedgerSql.AsOfRelation"/>), with the same columns, so no other SQL changes.
    /// </summary>
    public string Source => Scope.AsOf is { } asOf ? LedgerSql.AsOfRelation(QuoteIdentifier(Scope.Column), Scope.Column, asOf) : Table;

    public SqlStyle Style { get; }

    /// <summary>The plain documents' figures come as parameters (@plain_*), so the SQL reads only the other documents.</summary>
    public bool PlainDocumentsGiven { get; }

    /// <summary>
    /// The scope is narrowed to the trusts whose code hashes to @partition (of @partitions), so parts of one report can
    /// be read at once on several connections. Every check looks within one trust, so the parts add up to the whole.
    /// </summary>
    public bool Partitioned { get; }

    public static string Key(WaitBand band) => BandCatalogue.JsonKey(band);

    /// <summary>A SQL string literal.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string ArrayLiteral(IEnumerable<string> values) => "ARRAY[" + string.Join(", ", values.Select(Quote)) + "]::text[]";

    public static string DateLiteral(DateTime date) => "DATE '" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";

    /// <summary>The WHERE clause selecting the rows in scope from trust_metrics aliased <paramref name="alias"/>.</summary>
    public string ScopeFilter(string alias = "t") => Filter(alias,
        $"lower(btrim({alias}.data_type)) = lower({Value("data_type", Quote(Scope.DataType))})",
        $"upper(btrim({alias}.trust_code))",
        Partitioned);

    /// <summary>
    /// The same scope over a mart table aliased <paramref name="alias"/>, whose trust codes are kept trimmed and upper-cased
    /// and data types trimmed and lower-cased, so the comparisons are plain (and use the mart's index). The mart's
    /// checks choose their part themselves.
    /// </summary>
    public string MartScopeFilter(string alias) => Filter(alias,
        $"{alias}.data_type = lower({Value("data_type", Quote(Scope.DataType))})",
        $"{alias}.trust_code",
        partitioned: false);

    private string Filter(string alias, string dataType, string trustCode, bool partitioned)
    {
        var where = new List<string> { dataType };
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
            where.Add($"{trustCode} = ANY({Value("trusts", ArrayLiteral(Scope.NormalisedTrustCodes))})");
        }

        if (partitioned)
        {
            where.Add($"{PartOf(alias)} = @partition");
        }

        return string.Join("\n      AND ", where);
    }

    /// <summary>"WITH scope AS (...), docs AS (...), ...": the shared relations, ready for a SELECT.</summary>
    /// <remarks>
    /// Built for one pass over the services: <c>service_totals</c> reads every service once (a flat jsonb_each and a
    /// GROUP BY, which PostgreSQL does fast) and keeps aside only the services that fail
    /// <see cref="CleanServicePredicate"/>; the service checks then examine those few in detail (<c>facts</c>).
    /// Only the small relations are materialised; the documents themselves never are, but for the few in pending.
    /// With <see cref="PlainDocumentsGiven"/>, the documents the client found plain (<see cref="PlainDocumentReader"/>)
    /// arrive as parameters (<c>plain</c>) and only the others (<c>pending</c>) are read here; service_totals and
    /// document_shapes then hold the same rows as without, which the tests check.
    /// </remarks>
    public string Prefix(bool withSource = false)
    {
        string column = QuoteIdentifier(Scope.Column);

        // With the plain documents given, the SQL works out service_totals and document_shapes for the rest (pending)
        // and adds the plain ones' rows as the client gave them.
        string rest = PlainDocumentsGiven ? "pending" : "scope";
        string restServices = PlainDocumentsGiven ? "pending_services" : "services";
        string plainTotals = PlainDocumentsGiven
            ? "\n    UNION ALL\n    SELECT p.id, p.services, p.total_waiting, p.services_52, p.waiting_52, NULL::jsonb FROM plain p"
            : "";
        string plainShapes = PlainDocumentsGiven
            ? "\n    UNION ALL\n    SELECT p.id, 'object', 'object', 'object', 'object', 'object', p.metadata FROM plain p"
            : "";
        var typed = new StringBuilder();
        foreach (string key in AllBandKeys)
        {
            typed.Append(CultureInfo.InvariantCulture, $",\n           jsonb_typeof(x.v -> '{key}') AS {key}_type,")
                 .Append(CultureInfo.InvariantCulture, $"\n           CASE WHEN jsonb_typeof(x.v -> '{key}') = 'number' THEN (x.v -> '{key}')::numeric END AS {key}");
        }

        string totals = ServiceTotalsSelect(restServices) + plainTotals;
        string shapes = DocumentShapesSelect(rest) + plainShapes;
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $$"""
            WITH scope AS NOT MATERIALIZED (
                SELECT t.id, upper(btrim(t.trust_code)) AS trust_code, t.trust_name, t.period, t.data_type,
                       t.icb_code, t.icb_name, t.{{column}} AS doc
                FROM {{Source}} t
                WHERE {{ScopeFilter()}}
            ),
            {{ServicesCte("services", "scope")}},
            """);
        if (PlainDocumentsGiven)
        {
            sql.Append('\n').Append("""
                plain AS MATERIALIZED (
                    SELECT * FROM unnest(@plain_id, @plain_services::bigint[], @plain_total_waiting::numeric[],
                                         @plain_services_52::bigint[], @plain_waiting_52::numeric[], @plain_metadata::jsonb[])
                        AS p(id, services, total_waiting, services_52, waiting_52, metadata)
                ),
                pending AS MATERIALIZED (
                    SELECT s.* FROM scope s WHERE NOT EXISTS (SELECT 1 FROM plain p WHERE p.id = s.id)
                ),
                """).Append('\n').Append(ServicesCte("pending_services", "pending")).Append(',');
        }

        sql.Append('\n').Append(FromMart ? MartDocs() : $$"""
            service_totals AS NOT MATERIALIZED (
                {{totals}}
            ),
            document_shapes AS NOT MATERIALIZED (
                {{shapes}}
            ),
            docs AS MATERIALIZED (
                SELECT s.id, s.trust_code, s.trust_name, s.period, s.data_type, s.icb_code, s.icb_name,
                       h.doc_type, h.doc_state, h.adult_services_type, h.cyp_services_type, h.metadata_type, h.metadata,
                       coalesce(a.services, 0) AS services, coalesce(a.total_waiting, 0) AS total_waiting,
                       coalesce(a.services_52, 0) AS services_52, coalesce(a.waiting_52, 0) AS waiting_52, a.suspects,
                       count(*) FILTER (WHERE a.services > 0) OVER trust AS trust_months_with_data,
                       min(s.period) FILTER (WHERE a.services > 0) OVER trust AS trust_first_period,
                       max(s.period) FILTER (WHERE a.services > 0) OVER trust AS trust_last_period
                FROM scope s
                JOIN document_shapes h ON h.id = s.id
                LEFT JOIN service_totals a ON a.id = s.id
                WINDOW trust AS (PARTITION BY s.trust_code)
            ),
            """).Append('\n').Append(CultureInfo.InvariantCulture, $$"""
            facts AS MATERIALIZED (
                SELECT x.*, jsonb_typeof(x.v) AS shape{{typed}}
                FROM (SELECT d.id, d.trust_code, d.period, p ->> 0 AS json_key, p ->> 1 AS service, (p ->> 0) || '.' || (p ->> 1) AS service_path,
                             p -> 2 AS v, d.metadata -> 'blank_bands' AS blank_bands
                      FROM docs d
                      CROSS JOIN LATERAL jsonb_array_elements(d.suspects) AS p
                      WHERE d.suspects IS NOT NULL) AS x
            )
            """);
        if (withSource)
        {
            sql.Append(",\n").Append(SourceCells());
        }

        if (FromMart)
        {
            sql.Append(",\n").Append(Mart.MartChecks.Relations(this));
        }

        return sql.ToString();
    }

    /// <summary>
    /// <c>docs</c> from the mart: the same rows as the join of <c>scope</c> with the mart's documents (by id), the shapes
    /// and figures taken from the mart; and <c>mart_scope</c>, the rows of <c>scope</c> with whether the mart holds them
    /// as they are now (for MartReconciliation).
    /// </summary>
    /// <remarks>
    /// The planner cannot estimate the scope on trust_metrics (lower(btrim(data_type)) has no statistics: it guesses 0.5%
    /// of the rows, 90 of 18,000), and then sorts and loops where it should hash in every check that reads docs. So
    /// docs is read from the mart's documents (<c>mart_drive</c>), whose normalised columns it has statistics for,
    /// joined to trust_metrics by id. That is the same set of rows when every row it finds is in scope on trust_metrics
    /// too and there are as many as trust_metrics has in scope (<c>mart_exact</c>); else (a row changed after the mart read
    /// it, or not in the mart) the rows come from trust_metrics as the scope defines them (<c>mart_fallback</c>, read only then).
    /// </remarks>
    private string MartDocs()
    {
        string documents = Mart.MartSql.Documents;
        string part = Partitioned ? $"\n      AND {PartOf("m")} = @partition" : "";
        const string columns = """
            t.id, upper(btrim(t.trust_code)) AS trust_code, t.trust_name, t.period, t.data_type, t.icb_code, t.icb_name,
                   m.doc_type, m.doc_state, m.adult_services_type, m.cyp_services_type, m.metadata_type,
                   CASE WHEN NOT m.metadata_plain OR m.suspects IS NOT NULL THEN m.metadata END AS metadata,
                   CASE WHEN m.services > 0 THEN m.services ELSE 0 END AS services,
                   CASE WHEN m.services > 0 THEN m.total_waiting ELSE 0 END AS total_waiting,
                   CASE WHEN m.services > 0 THEN m.services_52 ELSE 0 END AS services_52,
                   CASE WHEN m.services > 0 THEN m.waiting_52 ELSE 0 END AS waiting_52,
                   CASE WHEN m.services > 0 THEN m.suspects END AS suspects,
                   count(*) FILTER (WHERE m.services > 0) OVER trust AS trust_months_with_data,
                   min(t.period) FILTER (WHERE m.services > 0) OVER trust AS trust_first_period,
                   max(t.period) FILTER (WHERE m.services > 0) OVER trust AS trust_last_period,
                   m.id IS NOT NULL AS in_mart, m.source_xmin = t.xmin AS mart_current
            """;
        // From the mart, metadata no check can fault is left out where no service needs it (its blank_bands): the three
        // checks of the metadata then skip the row at once, and find what they would find.
        return $$"""
            mart_drive AS MATERIALIZED (
                SELECT {{columns}},
                       {{ScopeFilter("t").Replace("\n", "\n       ", StringComparison.Ordinal)}} AS in_scope
                FROM {{documents}} m
                JOIN {{Table}} t ON t.id = m.id
                WHERE {{MartScopeFilter("m")}}{{part}}
                WINDOW trust AS (PARTITION BY upper(btrim(t.trust_code)))
            ),
            mart_exact AS MATERIALIZED (
                SELECT coalesce((SELECT bool_and(d.in_scope IS TRUE) FROM mart_drive d), true)
                       AND (SELECT count(*) FROM mart_drive d) = (SELECT count(*) FROM {{Table}} t WHERE {{ScopeFilter()}}) AS exact
            ),
            mart_fallback AS MATERIALIZED (
                SELECT {{columns}}
                FROM {{Table}} t
                LEFT JOIN {{documents}} m ON m.id = t.id
                WHERE {{ScopeFilter()}}
                WINDOW trust AS (PARTITION BY upper(btrim(t.trust_code)))
            ),
            mart_scope AS NOT MATERIALIZED (
                SELECT d.id, d.trust_code, d.period, d.data_type, d.in_mart, d.mart_current FROM mart_drive d WHERE (SELECT x.exact FROM mart_exact x)
                UNION ALL
                SELECT f.id, f.trust_code, f.period, f.data_type, f.in_mart, f.mart_current FROM mart_fallback f WHERE NOT (SELECT x.exact FROM mart_exact x)
            ),
            docs AS NOT MATERIALIZED (
                SELECT d.* FROM mart_drive d WHERE (SELECT x.exact FROM mart_exact x)
                UNION ALL
                SELECT f.*, true FROM mart_fallback f WHERE NOT (SELECT x.exact FROM mart_exact x) AND f.in_mart
            ),
            """;
    }

    /// <summary>
    /// Per document with services: their count, total and 52+ week figures, and the services that are not plainly clean
    /// (<c>suspects</c>), from <paramref name="services"/> (a relation shaped as <see cref="ServicesCte"/> makes). The
    /// mart keeps the same figures per row, worked out by this same SQL.
    /// </summary>
    public static string ServiceTotalsSelect(string services)
    {
        string w52 = Key(WaitBand.Wait52PlusWeeks);
        return $$"""
            SELECT e.id, count(*) AS services,
                   coalesce(sum(CASE WHEN jsonb_typeof(e.v -> 'total_waiting') = 'number' THEN (e.v -> 'total_waiting')::numeric END), 0) AS total_waiting,
                   count(*) FILTER (WHERE jsonb_typeof(e.v -> '{{w52}}') = 'number' AND (e.v -> '{{w52}}')::numeric > 0) AS services_52,
                   coalesce(sum(CASE WHEN jsonb_typeof(e.v -> '{{w52}}') = 'number' THEN (e.v -> '{{w52}}')::numeric END), 0) AS waiting_52,
                   jsonb_agg(jsonb_build_array(e.json_key, e.service, e.v)) FILTER (WHERE NOT ({{CleanServicePredicate("e")}})) AS suspects
            FROM {{services}} e
            GROUP BY e.id
            """;
    }

    /// <summary>Per row of <paramref name="documents"/> (id, doc): the JSON types of the document and its three top keys, its state and metadata.</summary>
    public static string DocumentShapesSelect(string documents) => $$"""
        SELECT s.id, jsonb_typeof(s.doc) AS doc_type,
               CASE WHEN s.doc IS NULL OR jsonb_typeof(s.doc) = 'null' THEN 'null'
                    WHEN jsonb_typeof(s.doc) <> 'object' THEN 'invalid'
                    WHEN s.doc = '{}'::jsonb THEN 'empty'
                    ELSE 'object' END AS doc_state,
               jsonb_typeof(s.doc -> 'adult_services') AS adult_services_type,
               jsonb_typeof(s.doc -> 'cyp_services') AS cyp_services_type,
               jsonb_typeof(s.doc -> 'metadata') AS metadata_type,
               CASE WHEN jsonb_typeof(s.doc -> 'metadata') = 'object' THEN s.doc -> 'metadata' END AS metadata
        FROM {{documents}} s
        """;

    /// <summary>
    /// The statement that reads the documents in scope for <see cref="PlainDocumentReader"/>: id, JSON text, and the
    /// part of the report the row falls in (of @partitions).
    /// </summary>
    public string DocumentsSql() =>
        $"SELECT t.id, jsonb_send(t.{QuoteIdentifier(Scope.Column)}), {PartOf("t")} FROM {Source} t\nWHERE {ScopeFilter()}\n  AND t.{QuoteIdentifier(Scope.Column)} IS NOT NULL";

    /// <summary>The part (0 to @partitions - 1) a row of <paramref name="alias"/> falls in: by trust, so no check spans parts.</summary>
    public static string PartOf(string alias) => $"(coalesce(hashtext(upper(btrim({alias}.trust_code))), 0) & 2147483647) % @partitions";

    /// <summary>One row per service of the object documents of <paramref name="documents"/> (json_key, service, value v).</summary>
    public static string ServicesCte(string name, string documents) => $$"""
        {{name}} AS NOT MATERIALIZED (
            SELECT s.id, s.trust_code, s.period, c.json_key, e.key AS service, c.json_key || '.' || e.key AS service_path, e.value AS v
            FROM {{documents}} s
            CROSS JOIN LATERAL (VALUES ('adult_services'), ('cyp_services')) AS c(json_key)
            CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.doc -> c.json_key) = 'object' THEN s.doc -> c.json_key ELSE '{}'::jsonb END) AS e
            WHERE jsonb_typeof(s.doc) = 'object'
        )
        """;

    /// <summary>
    /// True for a service no service check can fault: an object with the eight keys, every value a
    /// non-negative whole number (its text is digits only), both halves of the split or neither, bands that add
    /// up to the total and the split to the 52+ band, and a key the catalogue knows. A cheap filter: anything it
    /// lets through is examined in full by the checks, so it may err only towards suspicion.
    /// </summary>
    /// <remarks>
    /// Whole non-negative numbers are tested on the object's text (jsonb prints every value after ": ", and numbers
    /// without exponents): a value must start with a digit (not a string, object, array, literal or minus sign) and
    /// no digit may be followed by a point or an exponent. An unanchored alternation is much cheaper than matching
    /// the whole object, and this predicate runs once per service of every document.
    /// </remarks>
    public static string CleanServicePredicate(string alias)
    {
        string v = alias + ".v";
        string adult = ArrayLiteral(ServiceCatalogue.All.Where(s => s.Category == ServiceCategory.Adult).Select(s => s.Key));
        string cyp = ArrayLiteral(ServiceCatalogue.All.Where(s => s.Category == ServiceCategory.CYP).Select(s => s.Key));
        return CleanServiceRule(
            isObject: $"jsonb_typeof({v}) = 'object'",
            requiredPresent: $"{v} ?& {ArrayLiteral(RequiredBandKeys)}",
            has: key => $"{v} ? '{key}'",
            number: key => $"({v} ->> '{key}')::numeric",
            wholeNonNegative: $"{v}::text !~ ': [^0-9]|[0-9][.eE]'",
            known: $"CASE {alias}.json_key WHEN 'adult_services' THEN {alias}.service = ANY({adult}) ELSE {alias}.service = ANY({cyp}) END");
    }

    /// <summary>
    /// The rule of <see cref="CleanServicePredicate"/>, written once for every way a service is read (its JSON here;
    /// bigint columns in the mart's triggers): each argument says how that reading tests one part of it.
    /// <paramref name="number"/> is used only once the service has every required band and only whole non-negative numbers.
    /// </summary>
    public static string CleanServiceRule(
        string isObject, string requiredPresent, Func<string, string> has, Func<string, string> number, string wholeNonNegative, string known)
    {
        string split0 = SplitBandKeys[0];
        string split1 = SplitBandKeys[1];
        return $"""
            CASE WHEN {isObject}
                      AND {requiredPresent}
                      AND ({has(split0)}) = ({has(split1)})
                      AND {wholeNonNegative}
                      AND {known}
                 THEN {number(RequiredBandKeys[0])} = {string.Join(" + ", BandSumKeys.Select(number))}
                      AND (NOT ({has(split0)}) OR {number(Key(WaitBand.Wait52PlusWeeks))} = {number(split0)} + {number(split1)})
                 ELSE false END
            """;
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
