using System.Text;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;

namespace NhsCommunity.Queries;

/// <summary>The SQL of a waiting list query: jsonb_each over the two categories, every filter in the WHERE.</summary>
public static class WaitingListSql
{
    /// <summary>One row per service, or one per group when the query groups.</summary>
    public static string Build(WaitingListQuery query)
    {
        var scope = new CoverageSql(query.Scope, SqlStyle.Parameters);
        string column = CoverageSql.QuoteIdentifier(query.Scope.Column);
        var where = new List<string>
        {
            scope.ScopeFilter(),
            $"jsonb_typeof(t.{column}) = 'object'",
        };
        if (query.IcbCodes.Count > 0)
        {
            where.Add("upper(btrim(t.icb_code)) = ANY(@icbs)");
        }

        if (query.Periods.Count > 0)
        {
            where.Add("t.period = ANY(@periods)");
        }

        if (query.Category is not null)
        {
            where.Add("c.category = @category");
        }

        if (query.Services.Count > 0)
        {
            where.Add("e.key = ANY(@services)");
        }

        if (query.Selections.Count > 0)
        {
            where.Add("""
                EXISTS (SELECT 1 FROM unnest(@sel_trusts, @sel_periods, @sel_icbs, @sel_services) AS s(trust_code, period, icb_code, service)
                        WHERE (s.trust_code IS NULL OR s.trust_code = upper(btrim(t.trust_code))) AND (s.period IS NULL OR s.period = t.period)
                          AND (s.icb_code IS NULL OR s.icb_code = upper(btrim(t.icb_code))) AND (s.service IS NULL OR s.service = e.key))
                """);
        }

        if (query.MinTotalWaiting is not null)
        {
            where.Add(Number(BandCatalogue.JsonKey(WaitBand.Total)) + " >= @min_total");
        }

        if (query.Min52PlusWeeks is not null)
        {
            where.Add(Number(BandCatalogue.JsonKey(WaitBand.Wait52PlusWeeks)) + " >= @min_52");
        }

        string from = $"""
            FROM {scope.Source} t
            CROSS JOIN LATERAL (VALUES ('Adult', 'adult_services'), ('CYP', 'cyp_services')) AS c(category, json_key)
            CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(t.{column} -> c.json_key) = 'object' THEN t.{column} -> c.json_key ELSE '{"{}"}'::jsonb END) AS e
            WHERE {string.Join("\n  AND ", where)}
            """;

        var sql = new StringBuilder("SELECT ");
        if (query.GroupBy.Count == 0)
        {
            sql.Append("upper(btrim(t.trust_code)) AS trust_code, t.trust_name, t.icb_code, t.icb_name, t.period, c.category, e.key AS service");
            foreach (BandDefinition band in BandCatalogue.All)
            {
                sql.Append(",\n       ").Append(Number(band.JsonKey)).Append("::bigint AS ").Append(band.JsonKey);
            }

            sql.Append('\n').Append(from).Append("\nORDER BY 1, t.period, c.category, e.key");
            return sql.ToString();
        }

        bool Has(WaitingListGrouping g) => query.GroupBy.Contains(g);
        var keys = new List<string>();
        sql.Append(Has(WaitingListGrouping.Icb) ? "upper(btrim(t.icb_code)), max(t.icb_name)" : "NULL::text, NULL::text");
        sql.Append(Has(WaitingListGrouping.Trust) ? ", upper(btrim(t.trust_code)), max(t.trust_name)" : ", NULL::text, NULL::text");
        sql.Append(Has(WaitingListGrouping.Period) ? ", t.period" : ", NULL::date");
        sql.Append(Has(WaitingListGrouping.Category) || Has(WaitingListGrouping.Service) ? ", c.category" : ", NULL::text");
        sql.Append(Has(WaitingListGrouping.Service) ? ", e.key" : ", NULL::text");
        if (Has(WaitingListGrouping.Icb))
        {
            keys.Add("upper(btrim(t.icb_code))");
        }

        if (Has(WaitingListGrouping.Trust))
        {
            keys.Add("upper(btrim(t.trust_code))");
        }

        if (Has(WaitingListGrouping.Period))
        {
            keys.Add("t.period");
        }

        if (Has(WaitingListGrouping.Category) || Has(WaitingListGrouping.Service))
        {
            keys.Add("c.category");
        }

        if (Has(WaitingListGrouping.Service))
        {
            keys.Add("e.key");
        }

        sql.Append(", count(*), count(DISTINCT upper(btrim(t.trust_code)))");
        foreach (BandDefinition band in BandCatalogue.All)
        {
            sql.Append(",\n       sum(").Append(Number(band.JsonKey)).Append(")::bigint AS ").Append(band.JsonKey);
        }

        string groupBy = string.Join(", ", keys);
        sql.Append('\n').Append(from).Append("\nGROUP BY ").Append(groupBy).Append("\nORDER BY ").Append(groupBy);
        return sql.ToString();
    }

    /// <summary>A band of the service as a number, NULL where absent or not a number.</summary>
    private static string Number(string key) =>
        $"(CASE WHEN jsonb_typeof(e.value -> '{key}') = 'number' THEN (e.value ->> '{key}')::numeric END)";
}
