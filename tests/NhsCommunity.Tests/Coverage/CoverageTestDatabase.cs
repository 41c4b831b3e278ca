using System.Globalization;
using System.Text.Json.Nodes;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Coverage;

/// <summary>A fresh trust_metrics table in a throw-away database, and documents made by hand.</summary>
internal sealed class CoverageTestDatabase : IDisposable
{
    private readonly NpgsqlConnection _connection;

    public CoverageTestDatabase(string purpose, bool uniqueConstraint = true)
    {
        ConnectionString = TestPostgres.NewDatabase(purpose);
        _connection = new NpgsqlConnection(ConnectionString);
        _connection.Open();
        Execute(TrustMetricsSchema.CreateTable);
        if (!uniqueConstraint)
        {
            // Tables loaded by other tools may lack the constraint: that is what DuplicateRow is for.
            Execute("ALTER TABLE trust_metrics DROP CONSTRAINT trust_metrics_trust_code_period_data_type_key");
        }
    }

    public string ConnectionString { get; }

    public NpgsqlConnection Connection => _connection;

    public static DateTime Month(int year, int month) => new(year, month, 1);

    public void Insert(string trustCode, DateTime period, string? json, string? trustName = null, string icbCode = "QOP", string dataType = "monthly")
    {
        using var command = new NpgsqlCommand(
            "INSERT INTO trust_metrics (trust_code, trust_name, period, data_type, icb_code, icb_name, community_data) VALUES (@c, @n, @p, @d, @i, @in, @j::jsonb)",
            _connection);
        command.Parameters.AddWithValue("c", trustCode);
        command.Parameters.AddWithValue("n", trustName ?? "TRUST " + trustCode);
        command.Parameters.AddWithValue("p", DateOnly.FromDateTime(period));
        command.Parameters.AddWithValue("d", dataType);
        command.Parameters.AddWithValue("i", icbCode);
        command.Parameters.AddWithValue("in", "ICB " + icbCode);
        command.Parameters.Add(new NpgsqlParameter("j", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)json ?? DBNull.Value });
        command.ExecuteNonQuery();
    }

    public void Execute(string sql)
    {
        using var command = new NpgsqlCommand(sql, _connection);
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>A service whose bands add up to its total; from December 2024 with the 52+ split.</summary>
    public static JsonObject Service(long total, DateTime period, long? fiftyTwoPlus = null)
    {
        long w52 = fiftyTwoPlus ?? total / 10;
        long rest = total - w52;
        long each = rest / 6;
        var service = new JsonObject { ["total_waiting"] = total };
        long[] bands = [rest - (5 * each), each, each, each, each, each];
        string[] keys = ["wait_0_1_weeks", "wait_1_2_weeks", "wait_2_4_weeks", "wait_4_12_weeks", "wait_12_18_weeks", "wait_18_52_weeks"];
        for (int i = 0; i < keys.Length; i++)
        {
            service[keys[i]] = bands[i];
        }

        service["wait_52_plus_weeks"] = w52;
        if (period >= Month(2024, 12))
        {
            service["wait_52_104_weeks"] = w52 - (w52 / 4);
            service["wait_104_plus_weeks"] = w52 / 4;
        }

        return service;
    }

    /// <summary>A contract-correct document: the services given, metadata computed from them.</summary>
    public static JsonObject Document(DateTime period, params (ServiceCategory Category, string Key, long Total)[] services)
    {
        var adult = new JsonObject();
        var cyp = new JsonObject();
        long total = 0;
        int breaches = 0;
        foreach (var (category, key, size) in services)
        {
            JsonObject service = Service(size, period);
            total += size;
            breaches += service["wait_52_plus_weeks"]!.GetValue<long>() > 0 ? 1 : 0;
            (category == ServiceCategory.Adult ? adult : cyp)[key] = service;
        }

        return new JsonObject
        {
            ["adult_services"] = adult,
            ["cyp_services"] = cyp,
            ["metadata"] = new JsonObject
            {
                ["services_reported"] = services.Length,
                ["total_waiting_all_services"] = total,
                ["services_with_52plus_breaches"] = breaches,
                ["last_updated"] = period.AddMonths(1).AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>A typical clean document: two adult services and one CYP service, sized from the seed.</summary>
    public static JsonObject Typical(DateTime period, int seed = 1) => Document(
        period,
        (ServiceCategory.Adult, "audiology", 1000 + (seed * 37)),
        (ServiceCategory.Adult, "podiatry", 500 + (seed * 11)),
        (ServiceCategory.CYP, "therapy_speech_language", 200 + seed));
}
