using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Mart;
using Npgsql;

namespace NhsCommunity.Tests.Mart;

/// <summary>
/// What the mart tests compare: the fact as text lines, and the same lines worked out here from the JSONB with SQL
/// written independently of the mart's (->> text of each band, NULL shown as ~), so "equal" means row for row and
/// number for number.
/// </summary>
internal static class MartDatabase
{
    private static readonly string[] Bands =
    [
        "total_waiting", "wait_0_1_weeks", "wait_1_2_weeks", "wait_2_4_weeks", "wait_4_12_weeks", "wait_12_18_weeks",
        "wait_18_52_weeks", "wait_52_plus_weeks", "wait_52_104_weeks", "wait_104_plus_weeks",
    ];

    public static MartResult Install(string connectionString)
    {
        using DatabaseTarget target = DatabaseTarget.Resolve(connectionString);
        return MartInstaller.Install(target);
    }

    public static MartResult Uninstall(string connectionString)
    {
        using DatabaseTarget target = DatabaseTarget.Resolve(connectionString);
        return MartInstaller.Uninstall(target);
    }

    /// <summary>Every fact row as "trust|name|icb|icb name|yyyy-MM-dd|type|category|service|bands...", sorted.</summary>
    public static List<string> Fact(string connectionString) => Lines(connectionString, $"""
        SELECT concat_ws('|', f.trust_code, f.trust_name, coalesce(f.icb_code, '~'), coalesce(f.icb_name, '~'), to_char(f.period, 'YYYY-MM-DD'),
                         f.data_type, f.category, f.service_key, {string.Join(", ", Bands.Select(b => $"coalesce(f.{b}::text, '~')"))})
        FROM community_waiting_list f
        """);

    /// <summary>
    /// The lines the fact must hold, from the documents: each band a JSON number rounded to a whole one, NULL (~) where
    /// absent, not a number, or at least 9e18 in size.
    /// </summary>
    public static List<string> FromDocuments(string connectionString) => Lines(connectionString, $"""
        SELECT concat_ws('|', upper(btrim(t.trust_code)), t.trust_name, coalesce(t.icb_code, '~'), coalesce(t.icb_name, '~'), to_char(t.period, 'YYYY-MM-DD'),
                         lower(btrim(t.data_type)), c.category, s.key, {string.Join(", ", Bands.Select(b => $"CASE WHEN jsonb_typeof(s.value -> '{b}') = 'number' AND abs((s.value ->> '{b}')::numeric) < 9e18 THEN round((s.value ->> '{b}')::numeric)::text ELSE '~' END"))})
        FROM trust_metrics t
        CROSS JOIN LATERAL (VALUES ('adult', 'adult_services'), ('cyp', 'cyp_services')) AS c(category, section)
        CROSS JOIN LATERAL jsonb_each(t.community_data -> c.section) AS s
        WHERE jsonb_typeof(t.community_data) = 'object' AND jsonb_typeof(t.community_data -> c.section) = 'object'
        """);

    /// <summary>The trust dimension as "code|name|icb", sorted.</summary>
    public static List<string> TrustDimension(string connectionString) => Lines(connectionString,
        "SELECT concat_ws('|', trust_code, trust_name, coalesce(icb_code, '~')) FROM community_trust");

    /// <summary>Each trust's name and ICB in its latest month (monthly first, data types compared as every reader compares them, then by id), worked out here.</summary>
    public static List<string> LatestTrusts(string connectionString) => Lines(connectionString, """
        SELECT concat_ws('|', code, trust_name, coalesce(icb_code, '~'))
        FROM (SELECT DISTINCT ON (upper(btrim(trust_code))) upper(btrim(trust_code)) AS code, trust_name, icb_code
              FROM trust_metrics ORDER BY upper(btrim(trust_code)), period DESC, lower(btrim(data_type)) = 'monthly' DESC, lower(btrim(data_type)), id) AS latest
        """);

    public static void AssertFollows(string connectionString, string after)
    {
        List<string> expected = FromDocuments(connectionString);
        List<string> actual = Fact(connectionString);
        string[] missing = expected.Except(actual).Take(5).ToArray();
        string[] extra = actual.Except(expected).Take(5).ToArray();
        Assert.True(expected.SequenceEqual(actual),
            $"After {after}: the fact has {actual.Count} rows, the documents give {expected.Count}; missing {string.Join("; ", missing)}; extra {string.Join("; ", extra)}");
        Assert.Equal(LatestTrusts(connectionString), TrustDimension(connectionString));
    }

    public static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public static long Count(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static List<string> Lines(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
