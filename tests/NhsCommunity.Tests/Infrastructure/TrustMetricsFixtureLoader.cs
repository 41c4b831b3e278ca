using Npgsql;
using NhsCommunity.Database;

namespace NhsCommunity.Tests.Infrastructure;

/// <summary>
/// Fills a test database with the trust_metrics rows that exist before a backfill: the shared fixture
/// CSV (151 trusts x 12 months with rtt_data/ae_data), or synthetic rows for tests that must run on a
/// fresh clone. The CSV is parsed by PostgreSQL itself (COPY ... CSV), which handles the quoted JSON
/// with doubled quotes exactly as it was exported.
/// </summary>
public static class TrustMetricsFixtureLoader
{
    private const string Columns = "trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data, ae_data";

    /// <summary>True when the shared fixture CSV is beside the checkout.</summary>
    public static bool HasFixture => Prerequisite.Check(File.Exists(RepositoryPaths.TrustMetricsFixture), RepositoryPaths.NoSharedReason);

    /// <summary>A new database named for <paramref name="purpose"/> holding the table and the fixture rows; returns its connection string.</summary>
    public static string NewDatabaseWithFixture(string purpose)
    {
        string connectionString = TestPostgres.NewDatabase(purpose);
        Load(connectionString);
        return connectionString;
    }

    /// <summary>Creates trust_metrics if needed and copies the fixture CSV into it; returns the number of rows loaded.</summary>
    public static long Load(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        CreateTable(connection);
        using (TextWriter import = connection.BeginTextImport($"COPY trust_metrics ({Columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"))
        using (var reader = new StreamReader(RepositoryPaths.TrustMetricsFixture))
        {
            char[] buffer = new char[64 * 1024];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                import.Write(buffer, 0, read);
            }
        }

        using var count = new NpgsqlCommand("SELECT count(*) FROM trust_metrics", connection);
        return (long)count.ExecuteScalar()!;
    }

    /// <summary>
    /// Synthetic rows shaped like the fixture: every trust in every month, each with rtt_data/ae_data and
    /// an ICB, so the write path can be tested without the shared data.
    /// </summary>
    public static void LoadSynthetic(string connectionString, IEnumerable<(string Code, string Name)> trusts, IEnumerable<DateTime> periods)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        CreateTable(connection);
        using NpgsqlBinaryImporter import = connection.BeginBinaryImport($"COPY trust_metrics ({Columns}) FROM STDIN (FORMAT binary)");
        var periodList = periods.ToList();
        int index = 0;
        foreach (var (code, name) in trusts)
        {
            index++;
            foreach (DateTime period in periodList)
            {
                import.StartRow();
                import.Write(code, NpgsqlTypes.NpgsqlDbType.Varchar);
                import.Write(name, NpgsqlTypes.NpgsqlDbType.Varchar);
                import.Write(period.Date, NpgsqlTypes.NpgsqlDbType.Date);
                import.Write("monthly", NpgsqlTypes.NpgsqlDbType.Varchar);
                import.Write($"Q{index % 42:D2}", NpgsqlTypes.NpgsqlDbType.Varchar);
                import.Write($"NHS SYNTHETIC {index % 42} INTEGRATED CARE BOARD", NpgsqlTypes.NpgsqlDbType.Varchar);
                import.Write($"{{\"trust_total\":{{\"total_incomplete_pathways\":{1000 + index},\"median_wait_weeks\":{index % 30}.5}}}}", NpgsqlTypes.NpgsqlDbType.Jsonb);
                import.Write($"{{\"total_attendances\":{5000 + index * 7}}}", NpgsqlTypes.NpgsqlDbType.Jsonb);
            }
        }

        import.Complete();
    }

    public static void CreateTable(NpgsqlConnection connection)
    {
        using var create = new NpgsqlCommand(TrustMetricsSchema.CreateTable, connection);
        create.ExecuteNonQuery();
    }
}
