using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Tests.Database;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// The client's way of working out a report (plain documents summed up in the client) must give exactly the report of
/// the SQL the report prints, on hand-made bad documents and on the real backfill.
/// </summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class CoverageEvaluationTests
{
    private readonly BadDocumentsFixture _bad;
    private readonly RealBackfillFixture _real;

    public CoverageEvaluationTests(BadDocumentsFixture bad, RealBackfillFixture real) => (_bad, _real) = (bad, real);

    public static TheoryData<string> Scopes => ["all", "months", "trusts"];

    [SkippableTheory]
    [MemberData(nameof(Scopes))]
    public void Bad_documents_give_the_same_report_either_way(string scope)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(_bad.ConnectionString);
        connection.Open();
        CoverageScope chosen = scope switch
        {
            "months" => new CoverageScope { From = Month(2024, 9), To = Month(2024, 12) },
            "trusts" => new CoverageScope { TrustCodes = ["RGT", "rf1", "RB3", "RI4", "RK2"] },
            _ => new CoverageScope(),
        };

        AssertSameReport(connection, chosen);
    }

    [SkippableFact]
    public void Bad_documents_are_split_between_the_client_and_the_SQL()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(_bad.ConnectionString);
        connection.Open();
        using NpgsqlTransaction transaction = connection.BeginTransaction();

        PlainDocumentScan scan = PlainDocumentScan.Read(connection, transaction, new CoverageSql(new CoverageScope(), SqlStyle.Parameters), 1, CancellationToken.None);

        // The clean trusts' documents and those whose only fault is in their metadata are plain; the spoilt services,
        // {} and JSON null are not.
        Assert.InRange(scan.PlainDocuments, (BadDocumentsFixture.CleanTrusts.Count * 6) + 3, scan.Documents - 10);
    }

    [SkippableFact]
    public void The_real_backfill_gives_the_same_report_either_way()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        using var connection = new NpgsqlConnection(_real.ConnectionString);
        connection.Open();
        using (NpgsqlTransaction transaction = connection.BeginTransaction())
        {
            PlainDocumentScan scan = PlainDocumentScan.Read(connection, transaction, new CoverageSql(new CoverageScope(), SqlStyle.Parameters), 1, CancellationToken.None);
            Assert.True(scan.PlainDocuments > scan.Documents / 2, $"{scan.PlainDocuments} of {scan.Documents} documents plain");
        }

        AssertSameReport(connection, new CoverageScope());
    }

    [SkippableFact]
    public void A_report_read_in_parts_through_a_transaction_pooler_is_the_report_read_directly()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PgBouncerProcess.IsInstalled, PgBouncerProcess.NotInstalledReason);
        using var direct = new NpgsqlConnection(_bad.ConnectionString);
        direct.Open();
        CoverageReport expected = Run(direct, new CoverageScope(), CoverageEvaluation.SqlOnly, parts: 1);

        // As Supabase's pooler on port 6543 does: each transaction gets whichever server connection is free, so the
        // parts' transactions must still see the snapshot the first one exported.
        using PgBouncerProcess bouncer = PgBouncerProcess.Start(TestPostgres.Instance.Port);
        using DatabaseTarget target = DatabaseTarget.Resolve(bouncer.ConnectionString(new NpgsqlConnectionStringBuilder(_bad.ConnectionString).Database!));
        foreach (CoverageEvaluation evaluation in new[] { CoverageEvaluation.PlainDocumentsInClient, CoverageEvaluation.SqlOnly })
        {
            using NpgsqlConnection pooled = target.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult();
            var steps = new Steps();
            CoverageReport report = CoverageAnalyzer.Run(
                pooled, () => target.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult(), new CoverageScope(), null, null, steps, evaluation, 3, CancellationToken.None);
            Assert.Contains(steps.Reported, step => step.EndsWith("in 3 parts at once", StringComparison.Ordinal));
            Assert.Equal(expected.Coverage.Select(Text), report.Coverage.Select(Text));
            Assert.Equal(expected.Findings.Select(Text), report.Findings.Select(Text));
        }
    }

    [SkippableFact]
    public void No_connection_to_spare_means_one_part_and_the_same_report()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(_bad.ConnectionString);
        connection.Open();
        CoverageReport expected = Run(connection, new CoverageScope(), CoverageEvaluation.SqlOnly, parts: 1);

        var steps = new Steps();
        CoverageReport report = CoverageAnalyzer.Run(
            connection, () => throw new NpgsqlException("sorry, too many clients already"), new CoverageScope(), null, null, steps, CoverageEvaluation.Auto, 3, CancellationToken.None);

        Assert.DoesNotContain(steps.Reported, step => step.Contains("parts", StringComparison.Ordinal));
        Assert.Equal(expected.Coverage.Select(Text), report.Coverage.Select(Text));
        Assert.Equal(expected.Findings.Select(Text), report.Findings.Select(Text));
    }

    [Theory]
    [InlineData("127.0.0.1", CoverageEvaluation.PlainDocumentsInClient)]
    [InlineData("localhost", CoverageEvaluation.PlainDocumentsInClient)]
    [InlineData("/var/run/postgresql", CoverageEvaluation.PlainDocumentsInClient)]
    [InlineData("db.abcdefgh.supabase.co", CoverageEvaluation.SqlOnly)]
    [InlineData("10.0.0.7", CoverageEvaluation.SqlOnly)]
    public void Auto_reads_the_documents_in_the_client_only_from_this_machine(string host, CoverageEvaluation expected)
    {
        Assert.Equal(expected, CoverageAnalyzer.Resolve(CoverageEvaluation.Auto, host));
        Assert.Equal(CoverageEvaluation.SqlOnly, CoverageAnalyzer.Resolve(CoverageEvaluation.SqlOnly, host));
        Assert.Equal(CoverageEvaluation.PlainDocumentsInClient, CoverageAnalyzer.Resolve(CoverageEvaluation.PlainDocumentsInClient, host));
    }

    /// <summary>The printed SQL in one part is the reference; the client's way and reading in parts must match it.</summary>
    private static void AssertSameReport(NpgsqlConnection connection, CoverageScope scope)
    {
        CoverageReport sql = Run(connection, scope, CoverageEvaluation.SqlOnly, parts: 1);
        Assert.NotEmpty(sql.Coverage);
        foreach (var (evaluation, parts) in new[] { (CoverageEvaluation.PlainDocumentsInClient, 1), (CoverageEvaluation.PlainDocumentsInClient, 3), (CoverageEvaluation.SqlOnly, 2) })
        {
            var steps = new Steps();
            CoverageReport other = Run(connection, scope, evaluation, parts, steps);
            Assert.True(parts == 1 || steps.Reported.Any(step => step.EndsWith($"in {parts} parts at once", StringComparison.Ordinal)), string.Join("; ", steps.Reported));
            Assert.Equal(sql.Coverage.Select(Text), other.Coverage.Select(Text));
            Assert.Equal(sql.Findings.Select(Text), other.Findings.Select(Text));
        }
    }

    private static CoverageReport Run(NpgsqlConnection connection, CoverageScope scope, CoverageEvaluation evaluation, int parts, IProgress<string>? progress = null) =>
        CoverageAnalyzer.Run(connection, () => Open(connection.ConnectionString), scope, null, null, progress, evaluation, parts, CancellationToken.None);

    private static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static string Text(CoverageRow r) =>
        $"{r.TrustCode} {r.Period:yyyy-MM} {r.TrustName} {r.IcbCode} {r.HasData} {r.ServicesReported} {r.TotalWaiting} {r.ServicesWith52PlusWeeks} {r.Waiting52PlusWeeks}";

    private static string Text(CoverageFinding f) => $"{f.Check} {f.Severity} {f.TrustCode} {f.Period:yyyy-MM} {f.ServicePath} {f.Detail}";

    /// <summary>Progress as it is reported (Progress&lt;T&gt; would post it to the thread pool, after the fact).</summary>
    private sealed class Steps : IProgress<string>
    {
        public List<string> Reported { get; } = [];

        public void Report(string value) => Reported.Add(value);
    }
}
