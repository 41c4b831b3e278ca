using Npgsql;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

[Trait("Category", "Database")]
[Trait("Category", "RealData")]
public class TrustMetricsFixtureLoaderTests
{
    [SkippableFact]
    public void Loads_every_fixture_row_with_its_json_intact()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);

        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("fixture_loader");

        // Each fixture record is one line (the JSON holds no line breaks); the first is the header.
        string[] lines = File.ReadAllLines(RepositoryPaths.TrustMetricsFixture);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT trust_code), count(rtt_data), count(*) FILTER (WHERE community_data IS NULL) FROM trust_metrics", connection);
        using var reader = count.ExecuteReader();
        reader.Read();
        Assert.Equal(lines.Length - 1, reader.GetInt64(0));
        Assert.Equal(lines.Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).Distinct().Count(), reader.GetInt64(1));
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(2));
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(3));
        reader.Close();

        // The first record's rtt_data, un-doubled by hand, is the same JSON value the database holds.
        string first = lines[1];
        int start = first.IndexOf(",\"{", StringComparison.Ordinal) + 2;
        int end = first.IndexOf("}\",", start, StringComparison.Ordinal) + 1;
        string rtt = first[start..end].Replace("\"\"", "\"", StringComparison.Ordinal);
        string[] key = first.Split(',');
        using var same = new NpgsqlCommand("SELECT rtt_data = @rtt::jsonb FROM trust_metrics WHERE trust_code = @code AND period = @period::date", connection);
        same.Parameters.AddWithValue("rtt", rtt);
        same.Parameters.AddWithValue("code", key[0]);
        same.Parameters.AddWithValue("period", key[2]);
        Assert.True((bool)same.ExecuteScalar()!);
    }
}
