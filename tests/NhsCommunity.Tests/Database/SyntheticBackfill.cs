using System.Globalization;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// A database shaped like the users' (trusts x months with RTT/A&amp;E data, no community data) and
/// documents shaped like ConvertTo-CommunityJsonb's, made up here so the write path is tested on a
/// fresh clone without the shared data.
/// </summary>
internal sealed class SyntheticBackfill
{
    public static readonly DateTime[] Months = [new(2024, 8, 1), new(2024, 9, 1), new(2024, 10, 1)];

    public SyntheticBackfill(string purpose, int trusts = 25)
    {
        Trusts = Enumerable.Range(1, trusts).Select(i => ($"R{i:D2}", $"SYNTHETIC {i} NHS TRUST")).ToList();
        ConnectionString = TestPostgres.NewDatabase(purpose);
        TrustMetricsFixtureLoader.LoadSynthetic(ConnectionString, Trusts, Months);
    }

    private SyntheticBackfill(string connectionString)
    {
        ConnectionString = connectionString;
        Trusts = [];
    }

    /// <summary>A database holding the shared fixture's rows instead (151 real trusts x 12 months).</summary>
    public static SyntheticBackfill FromFixture(string purpose) => new(TrustMetricsFixtureLoader.NewDatabaseWithFixture(purpose));

    public string ConnectionString { get; }

    public IReadOnlyList<(string Code, string Name)> Trusts { get; }

    /// <summary>Documents for every trust in the database plus <paramref name="extraTrusts"/> that are not in it.</summary>
    public List<CommunityDocument> Documents(DateTime month, int variant = 0, int extraTrusts = 0) =>
        Trusts.Select(t => t.Code)
            .Concat(Enumerable.Range(90, extraTrusts).Select(i => $"R{i}"))
            .Select((code, i) => Document(code, month, 100 * (i + 1) + variant, $"NAME OF {code}"))
            .ToList();

    public static CommunityDocument Document(string code, DateTime month, int seed, string name = "")
    {
        int total = seed * 7;
        string json = FormattableString.Invariant($$$"""
            {"adult_services":{"audiology":{"total_waiting":{{{total}}},"wait_0_1_weeks":{{{seed}}},"wait_1_2_weeks":{{{seed}}},"wait_2_4_weeks":{{{seed}}},"wait_4_12_weeks":{{{seed}}},"wait_12_18_weeks":{{{seed}}},"wait_18_52_weeks":{{{seed}}},"wait_52_plus_weeks":{{{seed}}}}},"cyp_services":{},"metadata":{"services_reported":1,"total_waiting_all_services":{{{total}}},"services_with_52plus_breaches":1,"last_updated":"{{{month.AddDays(40):yyyy-MM-dd}}}"}}
            """).Trim();
        return new CommunityDocument { TrustCode = code, TrustName = name, Period = Month.Of(month), Json = json };
    }

    /// <summary>Writes the months with one writer, as a backfill run does.</summary>
    public async Task<List<MonthWriteOutcome>> WriteAsync(TrustMetricsWriteOptions options, params IEnumerable<(DateTime Month, List<CommunityDocument> Documents)> months)
    {
        using DatabaseTarget target = DatabaseTarget.Resolve(ConnectionString);
        return await WriteAsync(target, options, months);
    }

    /// <summary>The same through another way in, such as a pooler.</summary>
    public static async Task<List<MonthWriteOutcome>> WriteAsync(DatabaseTarget target, TrustMetricsWriteOptions options, IEnumerable<(DateTime Month, List<CommunityDocument> Documents)> months)
    {
        await using var writer = new TrustMetricsWriter(target, options);
        await writer.PrepareAsync(CancellationToken.None);
        var outcomes = new List<MonthWriteOutcome>();
        foreach (var (month, documents) in months)
        {
            outcomes.Add(await writer.WriteMonthAsync(month, documents, CancellationToken.None));
        }

        return outcomes;
    }

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public string Scalar(string sql)
    {
        using NpgsqlConnection connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>Every column the backfill must not touch, of every row, as text.</summary>
    public string UntouchedColumns() => Scalar("""
        SELECT string_agg(t::text, E'\n' ORDER BY t.id) FROM (
            SELECT id, trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data, ae_data,
                   diagnostics_data, capacity_data, created_at FROM trust_metrics) t
        """);

    /// <summary>The whole table, every column, as text.</summary>
    public string WholeTable() => Scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t");

    /// <summary>Every row's version and contents: any write, even of the same value, changes xmin.</summary>
    public string RowVersions() => Scalar("SELECT string_agg(t.xmin::text || ' ' || t::text, E'\n' ORDER BY t.id) FROM trust_metrics t");

    /// <summary>Row versions and contents of one month (xmin changes on any write, even of the same value).</summary>
    public string MonthState(DateTime month) => Scalar($"""
        SELECT string_agg(t.xmin::text || ' ' || t::text, E'\n' ORDER BY t.id) FROM trust_metrics t WHERE period = '{month:yyyy-MM-dd}'
        """);

    /// <summary>trust_code -> community_data equals the given document (as jsonb), for one month.</summary>
    public Dictionary<string, bool?> Matches(DateTime month, IEnumerable<CommunityDocument> documents)
    {
        using NpgsqlConnection connection = Open();
        using var command = new NpgsqlCommand("""
            SELECT i.code, m.community_data = i.doc::jsonb
            FROM unnest($1::text[], $2::text[]) AS i(code, doc)
            LEFT JOIN trust_metrics m ON m.trust_code = i.code AND m.period = $3 AND m.data_type = 'monthly'
            """, connection);
        var list = documents.ToList();
        command.Parameters.Add(new NpgsqlParameter { Value = list.Select(d => d.TrustCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = list.Select(d => d.Json).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(month) });
        using NpgsqlDataReader reader = command.ExecuteReader();
        var result = new Dictionary<string, bool?>();
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetBoolean(1);
        }

        return result;
    }
}
