using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using Npgsql;

namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// The shared trust_metrics fixture (151 trusts × 12 months) with the four real workbooks backfilled into
/// community_data by a plain UPDATE of the documents CommunityDocumentBuilder makes. Built once for the
/// <see cref="CoverageDatabases"/> collection.
/// </summary>
public sealed class RealBackfillFixture
{
    private readonly Lazy<State> _state = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool Available => TestPostgres.IsAvailable && RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture;

    public static string UnavailableReason => !TestPostgres.IsAvailable ? TestPostgres.NotInstalledReason : RepositoryPaths.NoSharedReason;

    public string ConnectionString => _state.Value.ConnectionString;

    /// <summary>Every record of the four workbooks, all levels.</summary>
    public IReadOnlyList<CommunityRecord> Records => _state.Value.Records;

    public IReadOnlyList<string> Workbooks => _state.Value.Workbooks;

    /// <summary>The documents written (only those whose trust and month have a row).</summary>
    public IReadOnlyList<CommunityDocument> Written => _state.Value.Written;

    private static State Build()
    {
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("coverage_real");
        string[] workbooks = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Order(StringComparer.Ordinal).ToArray();
        var importer = new WorkbookImporter();
        var records = workbooks.SelectMany(w => importer.Read(w).Records).ToList();
        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(records);

        var written = new List<CommunityDocument>();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        foreach (CommunityDocument document in batch.Documents)
        {
            using var update = new NpgsqlCommand(
                "UPDATE trust_metrics SET community_data = @json::jsonb WHERE trust_code = @code AND period = @period AND data_type = 'monthly'",
                connection);
            update.Parameters.AddWithValue("json", document.Json);
            update.Parameters.AddWithValue("code", document.TrustCode);
            update.Parameters.AddWithValue("period", DateOnly.FromDateTime(document.Period));
            if (update.ExecuteNonQuery() == 1)
            {
                written.Add(document);
            }
        }

        return new State(connectionString, records, workbooks, written);
    }

    private sealed record State(string ConnectionString, IReadOnlyList<CommunityRecord> Records, IReadOnlyList<string> Workbooks, IReadOnlyList<CommunityDocument> Written);
}
