using NhsCommunity.Catalogue;

namespace NhsCommunity.Coverage;

/// <summary>
/// Every check Test-CommunityCoverage runs, each with its SQL in one place (so reports can print it and a
/// reader can rerun it). The checks read the relations of <see cref="CoverageSql"/>; each returns
/// check, severity, trust_code, period, service, detail.
/// </summary>
public static class CoverageChecks
{
    /// <summary>
    /// <see cref="Mapping.TrustCodes.IsNhsTrust"/> as a PostgreSQL regular expression (on trimmed, upper-cased
    /// codes): R and two letters or digits, or T and two letters (former care trusts: TAD, TAH, TAJ).
    /// </summary>
    public const string NhsTrustCodePattern = "^(R[A-Z0-9]{2}|T[A-Z]{2})$";

    public static readonly CoverageCheck InvalidDocument = new(
        "InvalidDocument",
        FindingSeverity.Error,
        "The document, a category (adult_services, cyp_services), metadata or a service is not a JSON object.",
        """
        SELECT 'InvalidDocument' AS check_name, 'Error' AS severity, d.trust_code, d.period, NULL::text AS service,
               'The document is a JSON ' || d.doc_type || ', not an object.' AS detail
        FROM docs d
        WHERE d.doc_state = 'invalid'
        UNION ALL
        SELECT 'InvalidDocument', 'Error', d.trust_code, d.period, k.json_key,
               '"' || k.json_key || '" is a JSON ' || k.json_type || ', not an object.'
        FROM docs d
        CROSS JOIN LATERAL (VALUES ('adult_services', d.adult_services_type), ('cyp_services', d.cyp_services_type), ('metadata', d.metadata_type)) AS k(json_key, json_type)
        WHERE d.doc_state = 'object' AND k.json_type <> 'object'
          -- The document's own test first, so the three keys are unrolled only where one can be found.
          AND (d.adult_services_type <> 'object' OR d.cyp_services_type <> 'object' OR d.metadata_type <> 'object')
        UNION ALL
        SELECT 'InvalidDocument', 'Error', f.trust_code, f.period, f.service_path,
               'The service is a JSON ' || f.shape || ', not an object.'
        FROM facts f
        WHERE f.shape <> 'object'
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck MissingKey = new(
        "MissingKey",
        FindingSeverity.Error,
        "A key of the contract is missing: adult_services, cyp_services or metadata; a metadata key; one of the eight band keys of a service; or one half of the 52+ week split without the other. Info, not Error, for a band the workbook left blank (listed in metadata.blank_bands).",
        $"""
        SELECT 'MissingKey' AS check_name, 'Error' AS severity, d.trust_code, d.period, NULL::text AS service,
               'The document has no "' || k.json_key || '".' AS detail
        FROM docs d
        CROSS JOIN LATERAL (VALUES ('adult_services', d.adult_services_type), ('cyp_services', d.cyp_services_type), ('metadata', d.metadata_type)) AS k(json_key, json_type)
        WHERE d.doc_state = 'object' AND k.json_type IS NULL
          -- The document's own test first, so the three keys are unrolled only where one can be found.
          AND (d.adult_services_type IS NULL OR d.cyp_services_type IS NULL OR d.metadata_type IS NULL)
        UNION ALL
        SELECT 'MissingKey', 'Error', d.trust_code, d.period, 'metadata',
               'metadata has no "' || k.json_key || '".'
        FROM docs d
        CROSS JOIN (VALUES {Values(CoverageSql.MetadataKeys)}) AS k(json_key)
        WHERE d.doc_state = 'object' AND d.metadata IS NOT NULL AND NOT d.metadata ? k.json_key
          -- The same first for all four keys at once (one test of the metadata, not four).
          AND NOT d.metadata ?& {CoverageSql.ArrayLiteral(CoverageSql.MetadataKeys)}
        UNION ALL
        SELECT 'MissingKey', CASE WHEN b.blank THEN 'Info' ELSE 'Error' END, f.trust_code, f.period, f.service_path,
               'The service has no "' || k.band_key || '"' || CASE WHEN b.blank THEN ': blank in the workbook (listed in metadata.blank_bands).' ELSE '.' END
        FROM facts f
        CROSS JOIN LATERAL (VALUES {TypePairs(CoverageSql.RequiredBandKeys)}) AS k(band_key, json_type)
        CROSS JOIN LATERAL (SELECT coalesce(jsonb_typeof(f.blank_bands) = 'array' AND f.blank_bands ? (f.service_path || '.' || k.band_key), false) AS blank) AS b
        WHERE f.shape = 'object' AND k.json_type IS NULL
        UNION ALL
        SELECT 'MissingKey', CASE WHEN b.blank THEN 'Info' ELSE 'Error' END, f.trust_code, f.period, f.service_path,
               CASE WHEN f.{Split0}_type IS NULL THEN 'The service has "{Split1}" but no "{Split0}"'
                    ELSE 'The service has "{Split0}" but no "{Split1}"' END
               || CASE WHEN b.blank THEN ': blank in the workbook (listed in metadata.blank_bands).' ELSE '.' END
        FROM facts f
        CROSS JOIN LATERAL (SELECT coalesce(jsonb_typeof(f.blank_bands) = 'array'
                                            AND (f.blank_bands ? (f.service_path || '.{Split0}') OR f.blank_bands ? (f.service_path || '.{Split1}')), false) AS blank) AS b
        WHERE f.shape = 'object' AND (f.{Split0}_type IS NULL) <> (f.{Split1}_type IS NULL)
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck NotANumber = new(
        "NotANumber",
        FindingSeverity.Error,
        "A band or metadata count that is not a whole JSON number (a string, null, boolean, or a fraction).",
        $$"""
        SELECT 'NotANumber' AS check_name, 'Error' AS severity, f.trust_code, f.period, f.service_path AS service,
               '"' || k.band_key || '" is ' || CASE WHEN k.json_type = 'number' THEN (f.v ->> k.band_key) || ', not a whole number.'
                                                 ELSE 'a JSON ' || k.json_type || ' (' || left(f.v -> k.band_key #>> '{}', 40) || '), not a number.' END AS detail
        FROM facts f
        CROSS JOIN LATERAL (VALUES {{ValuePairs(CoverageSql.AllBandKeys)}}) AS k(band_key, json_type, number)
        WHERE f.shape = 'object' AND k.json_type IS NOT NULL AND (k.json_type <> 'number' OR k.number <> trunc(k.number))
        UNION ALL
        SELECT 'NotANumber', 'Error', d.trust_code, d.period, 'metadata',
               'metadata "' || k.json_key || '" is a JSON ' || jsonb_typeof(d.metadata -> k.json_key) || ', not a number.'
        FROM docs d
        CROSS JOIN (VALUES {{Values(CoverageSql.MetadataNumberKeys)}}) AS k(json_key)
        WHERE d.doc_state = 'object' AND d.metadata IS NOT NULL
          AND jsonb_typeof(d.metadata -> k.json_key) <> 'number'
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck NegativeCount = new(
        "NegativeCount",
        FindingSeverity.Error,
        "A band count below zero.",
        $"""
        SELECT 'NegativeCount' AS check_name, 'Error' AS severity, f.trust_code, f.period, f.service_path AS service,
               '"' || k.band_key || '" is ' || k.number || '.' AS detail
        FROM facts f
        CROSS JOIN LATERAL (VALUES {ValuePairs(CoverageSql.AllBandKeys)}) AS k(band_key, json_type, number)
        WHERE k.number < 0
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck SplitSum = new(
        "SplitSum",
        FindingSeverity.Error,
        $"Where the 52+ week band is split, {W52} must equal {Split0} + {Split1}.",
        $"""
        SELECT 'SplitSum' AS check_name, 'Error' AS severity, f.trust_code, f.period, f.service_path AS service,
               '{W52} is ' || f.{W52} || ' but {Split0} + {Split1} = ' || f.{Split0} || ' + ' || f.{Split1} || ' = ' || (f.{Split0} + f.{Split1}) || '.' AS detail
        FROM facts f
        WHERE f.{W52} IS NOT NULL AND f.{Split0} IS NOT NULL AND f.{Split1} IS NOT NULL
          AND f.{W52} <> f.{Split0} + f.{Split1}
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck MetadataMismatch = new(
        "MetadataMismatch",
        FindingSeverity.Error,
        "metadata.services_reported, total_waiting_all_services or services_with_52plus_breaches disagrees with the services in the document.",
        """
        SELECT 'MetadataMismatch' AS check_name, 'Error' AS severity, d.trust_code, d.period, 'metadata' AS service,
               'metadata "' || m.json_key || '" is ' || (d.metadata ->> m.json_key) || ' but the services give ' || m.actual || '.' AS detail
        FROM docs d
        CROSS JOIN LATERAL (VALUES ('services_reported', d.services::numeric),
                                   ('total_waiting_all_services', d.total_waiting),
                                   ('services_with_52plus_breaches', d.services_52::numeric)) AS m(json_key, actual)
        WHERE d.doc_state = 'object' AND d.metadata IS NOT NULL
          AND jsonb_typeof(d.metadata -> m.json_key) = 'number'
          AND (d.metadata ->> m.json_key)::numeric <> m.actual
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck UnknownService = new(
        "UnknownService",
        FindingSeverity.Warning,
        "A service key the catalogue does not know for its category (a typo, or a service the source added).",
        $"""
        SELECT 'UnknownService' AS check_name, 'Warning' AS severity, f.trust_code, f.period, f.service_path AS service,
               '"' || f.service || '" is not a known ' || CASE WHEN f.json_key = 'adult_services' THEN 'adult' ELSE 'CYP' END || ' service key.' AS detail
        FROM facts f
        WHERE (f.json_key = 'adult_services' AND NOT f.service = ANY({CoverageSql.ArrayLiteral(KeysOf(ServiceCategory.Adult))}))
           OR (f.json_key = 'cyp_services' AND NOT f.service = ANY({CoverageSql.ArrayLiteral(KeysOf(ServiceCategory.CYP))}))
        """)
    { IsContractCheck = true };

    public static readonly CoverageCheck BandSum = new(
        "BandSum",
        FindingSeverity.Warning,
        "total_waiting differs from the sum of its bands (0-1 ... 18-52 weeks and 52+). The source's own figures: reported, never corrected. Info when the difference is within 1% of the total (or 2 patients), Warning otherwise.",
        $"""
        SELECT 'BandSum' AS check_name,
               CASE WHEN abs(b.band_sum - f.total_waiting) <= greatest(2, 0.01 * f.total_waiting) THEN 'Info' ELSE 'Warning' END AS severity,
               f.trust_code, f.period, f.service_path AS service,
               'total_waiting is ' || f.total_waiting || ' but the bands add up to ' || b.band_sum || ' (' || CASE WHEN b.band_sum > f.total_waiting THEN '+' ELSE '' END || (b.band_sum - f.total_waiting) || ').' AS detail
        FROM facts f
        CROSS JOIN LATERAL (SELECT {string.Join(" + ", CoverageSql.BandSumKeys.Select(k => "f." + k))} AS band_sum) AS b
        WHERE f.total_waiting IS NOT NULL AND b.band_sum IS NOT NULL AND b.band_sum <> f.total_waiting
        """);

    public static readonly CoverageCheck EmptyDocument = new(
        "EmptyDocument",
        FindingSeverity.Warning,
        "A document that is {} or JSON null, has no services, or is missing (SQL NULL) although the trust has data in other months (outside the months between its first and last month with data, which MissingMonth reports).",
        """
        SELECT 'EmptyDocument' AS check_name, 'Warning' AS severity, d.trust_code, d.period, NULL::text AS service,
               CASE d.doc_state WHEN 'empty' THEN 'The document is {}.'
                                WHEN 'object' THEN 'The document has no services.'
                                WHEN 'null' THEN CASE WHEN d.doc_type IS NOT NULL THEN 'The document is JSON null.'
                                     ELSE 'No document, although the trust has data in ' || d.trust_months_with_data || ' other month(s).' END END AS detail
        FROM docs d
        WHERE d.doc_state = 'empty'
           OR (d.doc_state = 'object' AND d.services = 0)
           OR (d.doc_state = 'null' AND d.doc_type IS NOT NULL)
           OR (d.doc_state = 'null' AND d.trust_months_with_data > 0 AND (d.period < d.trust_first_period OR d.period > d.trust_last_period))
        """);

    public static readonly CoverageCheck MissingMonth = new(
        "MissingMonth",
        FindingSeverity.Warning,
        "A month with no data (no row, or a row without a document) between a trust's first and last month with data.",
        """
        SELECT 'MissingMonth' AS check_name, 'Warning' AS severity, r.trust_code, m.period::date AS period, NULL::text AS service,
               CASE WHEN EXISTS (SELECT 1 FROM docs x WHERE x.trust_code = r.trust_code AND x.period = m.period::date)
                    THEN 'The row has no document'
                    ELSE 'No row for this month' END
               || ', between ' || to_char(r.first_period, 'YYYY-MM') || ' and ' || to_char(r.last_period, 'YYYY-MM') || ', which have data.' AS detail
        FROM (SELECT DISTINCT d.trust_code, d.trust_first_period AS first_period, d.trust_last_period AS last_period
              FROM docs d
              WHERE d.trust_months_with_data > 0) AS r
        CROSS JOIN LATERAL generate_series(r.first_period, r.last_period, interval '1 month') AS m(period)
        WHERE NOT EXISTS (SELECT 1 FROM docs x
                          WHERE x.trust_code = r.trust_code AND x.period = m.period::date AND x.doc_type IS NOT NULL)
        """);

    public static readonly CoverageCheck DuplicateRow = new(
        "DuplicateRow",
        FindingSeverity.Error,
        "More than one row for a trust and month (trust codes compared trimmed and upper-cased, data types lower-cased): readers cannot tell which document is meant.",
        """
        SELECT 'DuplicateRow' AS check_name, 'Error' AS severity, s.trust_code, s.period, NULL::text AS service,
               count(*) || ' rows for this trust and month (data_type ' || string_agg(DISTINCT quote_literal(s.data_type), ', ') || ').' AS detail
        FROM docs s
        -- The trust-months named twice, found by hashing (a GROUP BY with string_agg(DISTINCT) sorts every row); the
        -- coalesces only widen this, the GROUP BY below counts exactly.
        WHERE (coalesce(s.trust_code, ''), coalesce(s.period, 'infinity')) IN (SELECT coalesce(x.trust_code, ''), coalesce(x.period, 'infinity') FROM docs x GROUP BY 1, 2 HAVING count(*) > 1)
        GROUP BY s.trust_code, s.period
        HAVING count(*) > 1
        """);

    public static readonly CoverageCheck NotTrustCode = new(
        "NotTrustCode",
        FindingSeverity.Error,
        "A trust_code that is not an NHS trust code: R and two letters or digits, or T and two letters (former care trusts such as TAD, TAH, TAJ).",
        $$"""
        SELECT 'NotTrustCode' AS check_name, 'Error' AS severity, s.trust_code, NULL::date AS period, NULL::text AS service,
               quote_literal(s.trust_code) || ' (' || min(s.trust_name) || ') is not an NHS trust code; ' || count(*) || ' row(s).' AS detail
        FROM docs s
        GROUP BY s.trust_code
        HAVING s.trust_code !~ '{{NhsTrustCodePattern}}'
        """);

    public static readonly CoverageCheck SourceMismatch = new(
        "SourceMismatch",
        FindingSeverity.Error,
        "A stored number that differs from its workbook cell, a workbook value missing from the document, or a stored service the workbook leaves blank.",
        """
        SELECT 'SourceMismatch' AS check_name, 'Error' AS severity, c.trust_code, c.period, c.json_key || '.' || c.service AS service,
               '"' || c.band_key || '" is ' || coalesce(s.v ->> c.band_key, 'absent') || ' in the database but '
               || coalesce(c.value::text, 'blank') || ' in the workbook.' AS detail
        FROM source_cells c
        JOIN docs d ON d.trust_code = c.trust_code AND d.period = c.period AND d.doc_state = 'object'
        LEFT JOIN services s ON s.id = d.id AND s.json_key = c.json_key AND s.service = c.service
        WHERE (CASE WHEN jsonb_typeof(s.v -> c.band_key) = 'number' THEN (s.v ->> c.band_key)::numeric END) IS DISTINCT FROM c.value
          AND NOT (c.value IS NULL AND s.id IS NULL)
        UNION ALL
        SELECT 'SourceMismatch', 'Error', s.trust_code, s.period, s.service_path,
               'The service is in the database but blank in the workbook.'
        FROM services s
        WHERE EXISTS (SELECT 1 FROM source_cells c WHERE c.trust_code = s.trust_code AND c.period = s.period)
          AND NOT EXISTS (SELECT 1 FROM source_cells c
                          WHERE c.trust_code = s.trust_code AND c.period = s.period AND c.json_key = s.json_key AND c.service = s.service)
        """)
    { NeedsSource = true };

    /// <summary>Every check, in the order reports list them.</summary>
    public static IReadOnlyList<CoverageCheck> All { get; } =
    [
        InvalidDocument, MissingKey, NotANumber, NegativeCount, SplitSum, MetadataMismatch, UnknownService,
        BandSum, EmptyDocument, MissingMonth, DuplicateRow, NotTrustCode, SourceMismatch,
    ];

    public static CoverageCheck? Find(string name) =>
        All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string W52 => CoverageSql.Key(WaitBand.Wait52PlusWeeks);

    private static string Split0 => CoverageSql.SplitBandKeys[0];

    private static string Split1 => CoverageSql.SplitBandKeys[1];

    private static string[] KeysOf(ServiceCategory category) =>
        ServiceCatalogue.All.Where(s => s.Category == category).Select(s => s.Key).ToArray();

    private static string Values(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"('{k}')"));

    private static string TypePairs(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"('{k}', f.{k}_type)"));

    private static string ValuePairs(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"('{k}', f.{k}_type, f.{k})"));
}
