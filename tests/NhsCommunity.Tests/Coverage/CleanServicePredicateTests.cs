using NhsCommunity.Coverage;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// The filter that lets a service skip the detailed checks: it must never pass a service a check could fault, even one
/// whose bands still add up (so the band sums cannot catch it), and must pass the plain services every document holds.
/// </summary>
[Trait("Category", "Database")]
public sealed class CleanServicePredicateTests
{
    private const string Bands = "\"wait_0_1_weeks\": 1, \"wait_1_2_weeks\": 2, \"wait_2_4_weeks\": 3, \"wait_4_12_weeks\": 4, \"wait_12_18_weeks\": 5, \"wait_18_52_weeks\": 6";

    [SkippableTheory]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7}", true)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"wait_52_104_weeks\": 5, \"wait_104_plus_weeks\": 2}", true)]
    [InlineData("{\"total_waiting\": 0, \"wait_0_1_weeks\": 0, \"wait_1_2_weeks\": 0, \"wait_2_4_weeks\": 0, \"wait_4_12_weeks\": 0, \"wait_12_18_weeks\": 0, \"wait_18_52_weeks\": 0, \"wait_52_plus_weeks\": 0}", true)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"wait_52_104_weeks\": 9, \"wait_104_plus_weeks\": -2}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"wait_52_104_weeks\": 6.5, \"wait_104_plus_weeks\": 0.5}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"wait_52_104_weeks\": 7e0, \"wait_104_plus_weeks\": 0}", true)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7.0}", false)]
    [InlineData("{\"total_waiting\": \"28\", " + Bands + ", \"wait_52_plus_weeks\": 7}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": null}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": [7]}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"note\": \"x\"}", false)]
    [InlineData("{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7, \"wait_52_104_weeks\": 7}", false)]
    [InlineData("{\"total_waiting\": 29, " + Bands + ", \"wait_52_plus_weeks\": 7}", false)]
    [InlineData("[28]", false)]
    public void Passes_only_flat_services_of_whole_non_negative_numbers_that_add_up(string service, bool clean)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(TestPostgres.NewDatabase("clean_predicate"));
        connection.Open();
        using var command = new NpgsqlCommand(
            $"SELECT {CoverageSql.CleanServicePredicate("e")} FROM (SELECT 'adult_services'::text AS json_key, 'audiology'::text AS service, @v::jsonb AS v) AS e",
            connection);
        command.Parameters.AddWithValue("v", service);
        Assert.Equal(clean, (bool)command.ExecuteScalar()!);
    }

    [SkippableFact]
    public void An_unknown_service_key_is_not_clean()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(TestPostgres.NewDatabase("clean_predicate_key"));
        connection.Open();
        using var command = new NpgsqlCommand(
            $"SELECT {CoverageSql.CleanServicePredicate("e")} FROM (SELECT 'cyp_services'::text AS json_key, 'podiatry'::text AS service, @v::jsonb AS v) AS e",
            connection);
        command.Parameters.AddWithValue("v", "{\"total_waiting\": 28, " + Bands + ", \"wait_52_plus_weeks\": 7}");
        Assert.False((bool)command.ExecuteScalar()!);
    }
}
