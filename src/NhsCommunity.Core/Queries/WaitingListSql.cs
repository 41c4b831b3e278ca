using System.Globalization;
using System.Text;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;

namespace NhsCommunity.Queries;

/// <summary>The SQL of a waiting list query: jsonb_each over the two categories, every filter in the WHERE.</summary>
public static class WaitingListSql
{
    /// <summary>One row per service, or one per group when the query groups.</summary>
    /// <param name="fromMart">
    /// True to read the mart's fact (community_waiting_list) rather than unnest the JSONB; the caller decides
    /// (<see cref="WaitingListReader.ReadsMart"/>). The two give the same rows: the fact holds, per row, what the JSONB
    /// expressions below work out.
    /// </param>
    public static string Build(WaitingListQuery query, bool fromMart = false)
    {
        var scope = new CoverageSql(query.Scope, SqlStyle.Parameters);
        string column = CoverageSql.QuoteIdentifier(query.Scope.Column);
        bool perDocument = fromMart && SumsPerDocumentSuffice(query);
        Source source = perDocument
            ? new Source("d.trust_code", "d.trust_name", "d.icb_code", "d.icb_name", "d.period", "NULL::text", "", "NULL::text",
                key => $"d.sum_{key}", "sum(d.services)")
            : fromMart
            ? new Source("f.trust_code", "f.trust_name", "f.icb_code", "f.icb_name", "f.period", "f.category", "lower(@category)", "f.service_key", key => "f." + key)
            : new Source("upper(btrim(t.trust_code))", "t.trust_name", "t.icb_code", "t.icb_name", "t.period", "c.category", "@category", "e.key", Number);
        var where = perDocument
            ? new List<string> { scope.MartScopeFilter("d"), "d.services > 0" }
            : fromMart
            ? new List<string> { scope.MartScopeFilter("f") }
            : new List<string> { scope.ScopeFilter(), $"jsonb_typeof(t.{column}) = 'object'" };
        if (query.IcbCodes.Count > 0)
        {
            where.Add($"upper(btrim({source.Icb})) = ANY(@icbs)");
        }

        if (query.Periods.Count > 0)
        {
            where.Add($"{source.Period} = ANY(@periods)");
        }

        if (query.Category is not null)
        {
            where.Add($"{source.Category} = {source.CategoryParameter}");
        }

        if (query.Services.Count > 0)
        {
            where.Add($"{source.Service} = ANY(@services)");
        }

        if (query.Selections.Count > 0)
        {
            where.Add($"""
                EXISTS (SELECT 1 FROM unnest(@sel_trusts, @sel_periods, @sel_icbs, @sel_services) AS s(trust_code, period, icb_code, service)
                        WHERE (s.trust_code IS NULL OR s.trust_code = {source.Trust}) AND (s.period IS NULL OR s.period = {source.Period})
                          AND (s.icb_code IS NULL OR s.icb_code = upper(btrim({source.Icb}))) AND (s.service IS NULL OR s.service = {source.Service}))
                """);
        }

        if (query.MinTotalWaiting is not null)
        {
            where.Add(source.Band(BandCatalogue.JsonKey(WaitBand.Total)) + " >= @min_total");
        }

        if (query.Min52PlusWeeks is not null)
        {
            where.Add(source.Band(BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks)) + " >= @min_52");
        }

        string from = perDocument
            ? $"""
                FROM {Mart.MartSql.Documents} d
                WHERE {string.Join("\n  AND ", where)}
                """
            : fromMart
            ? $"""
                FROM {Mart.MartSql.Fact} f
                WHERE {string.Join("\n  AND ", where)}
                """
            : $"""
                FROM {scope.Source} t
                CROSS JOIN LATERAL (VALUES ('Adult', 'adult_services'), ('CYP', 'cyp_services')) AS c(category, json_key)
                CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(t.{column} -> c.json_key) = 'object' THEN t.{column} -> c.json_key ELSE '{"{}"}'::jsonb END) AS e
                WHERE {string.Join("\n  AND ", where)}
                """;

        var sql = new StringBuilder("SELECT ");
        if (query.GroupBy.Count == 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{source.Trust} AS trust_code, {source.TrustName}, {source.Icb}, {source.IcbName}, {source.Period}, {source.Category}, {source.Service} AS service");
            foreach (BandDefinition band in BandCatalogue.All)
            {
                sql.Append(",\n       ").Append(source.Band(band.JsonKey)).Append("::bigint AS ").Append(band.JsonKey);
            }

            sql.Append('\n').Append(from).Append(CultureInfo.InvariantCulture, $"\nORDER BY 1, {source.Period}, {source.Category}, {source.Service}");
            return sql.ToString();
        }

        bool Has(WaitingListGrouping g) => query.GroupBy.Contains(g);
        var keys = new List<string>();
        sql.Append(Has(WaitingListGrouping.Icb) ? $"upper(btrim({source.Icb})), max({source.IcbName})" : "NULL::text, NULL::text");
        sql.Append(Has(WaitingListGrouping.Trust) ? $", {source.Trust}, max({source.TrustName})" : ", NULL::text, NULL::text");
        sql.Append(Has(WaitingListGrouping.Period) ? $", {source.Period}" : ", NULL::date");
        sql.Append(Has(WaitingListGrouping.Category) || Has(WaitingListGrouping.Service) ? $", {source.Category}" : ", NULL::text");
        sql.Append(Has(WaitingListGrouping.Service) ? $", {source.Service}" : ", NULL::text");
        if (Has(WaitingListGrouping.Icb))
        {
            keys.Add($"upper(btrim({source.Icb}))");
        }

        if (Has(WaitingListGrouping.Trust))
        {
            keys.Add(source.Trust);
        }

        if (Has(WaitingListGrouping.Period))
        {
            keys.Add(source.Period);
        }

        if (Has(WaitingListGrouping.Category) || Has(WaitingListGrouping.Service))
        {
            keys.Add(source.Category);
        }

        if (Has(WaitingListGrouping.Service))
        {
            keys.Add(source.Service);
        }

        sql.Append(CultureInfo.InvariantCulture, $", {source.RowCount}::bigint, count(DISTINCT {source.Trust})");
        foreach (BandDefinition band in BandCatalogue.All)
        {
            sql.Append(",\n       sum(").Append(source.Band(band.JsonKey)).Append(")::bigint AS ").Append(band.JsonKey);
        }

        string groupBy = string.Join(", ", keys);
        sql.Append('\n').Append(from).Append("\nGROUP BY ").Append(groupBy).Append("\nORDER BY ").Append(groupBy);
        return sql.ToString();
    }

    /// <summary>
    /// True for sums by ICB, trust or month with no filter on a service or its figures: then the mart's per-row band sums
    /// (one row per trust and month, not one per service) give the same groups, about 25 times fewer rows to add up.
    /// </summary>
    private static bool SumsPerDocumentSuffice(WaitingListQuery query) =>
        query.GroupBy.Count > 0
        && query.GroupBy.All(g => g is WaitingListGrouping.Icb or WaitingListGrouping.Trust or WaitingListGrouping.Period)
        && query.Category is null && query.Services.Count == 0 && query.MinTotalWaiting is null && query.Min52PlusWeeks is null
        && query.Selections.All(s => s.ServiceKey is null);

    /// <summary>Where a query's columns come from: the JSONB unnested, the mart's fact, or its per-row sums.</summary>
    private sealed record Source(string Trust, string TrustName, string Icb, string IcbName, string Period, string Category, string CategoryParameter, string Service, Func<string, string> Band, string RowCount = "count(*)");

    /// <summary>A band of the service as a number, NULL where absent or not a number.</summary>
    private static string Number(string key) =>
        $"(CASE WHEN jsonb_typeof(e.value -> '{key}') = 'number' THEN (e.value ->> '{key}')::numeric END)";
}
