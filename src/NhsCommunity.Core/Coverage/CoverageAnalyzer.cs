using System.Data;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Coverage;

/// <summary>
/// Runs the coverage query and every check against a trust_metrics table. Every check is done in SQL; from a server on
/// this machine the client first reads the documents once and sums up the plain ones itself (<see cref="CoverageEvaluation"/>).
/// </summary>
public static class CoverageAnalyzer
{
    /// <summary>Reads coverage and findings in one snapshot of the database.</summary>
    /// <param name="source">Workbook cells for SourceMismatch; null or empty to skip that check.</param>
    /// <param name="sourceFiles">The workbooks the cells came from, for the report.</param>
    public static CoverageReport Run(
        DatabaseTarget database,
        CoverageScope scope,
        IReadOnlyCollection<SourceCell>? source = null,
        IReadOnlyList<string>? sourceFiles = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using NpgsqlConnection connection = database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult();
        CoverageReport report = Run(connection, scope, source, sourceFiles, progress, CoverageEvaluation.Auto, cancellationToken);
        return report.WithDatabase(database.Description);
    }

    /// <summary>The same on an open connection (tests and benchmarks share one).</summary>
    public static CoverageReport Run(
        NpgsqlConnection connection,
        CoverageScope scope,
        IReadOnlyCollection<SourceCell>? source = null,
        IReadOnlyList<string>? sourceFiles = null,
        IProgress<string>? progress = null,
        CoverageEvaluation evaluation = CoverageEvaluation.Auto,
        CancellationToken cancellationToken = default)
    {
        bool withSource = source is { Count: > 0 };
        CoverageCheck[] checks = CoverageChecks.All.Where(c => withSource || !c.NeedsSource).ToArray();

        // Repeatable read: the documents the client reads and the statement that checks them are the same rows.
        // The transaction also scopes the SET LOCALs.
        using NpgsqlTransaction transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);

        // The statement hashes whole relations: give it memory (the default 4 MB spills to disk), and no nested
        // loops, which the planner picks between relations whose sizes it cannot estimate (jsonb_each, GROUP BY)
        // and which then compare every document with every other (minutes instead of seconds). Those sizes also make
        // its cost look huge, so PostgreSQL would spend seconds compiling it (JIT) to save far less.
        using (var settings = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL enable_nestloop = off; SET LOCAL jit = off", connection, transaction))
        {
            settings.ExecuteNonQuery();
        }

        evaluation = Resolve(evaluation, connection.Host);
        PlainDocumentScan? plain = null;
        if (evaluation == CoverageEvaluation.PlainDocumentsInClient)
        {
            progress?.Report("Reading the documents");
            plain = PlainDocumentScan.Read(connection, transaction, new CoverageSql(scope, SqlStyle.Parameters), cancellationToken);
        }

        var sql = new CoverageSql(scope, SqlStyle.Parameters, plainDocumentsGiven: plain is not null);
        progress?.Report($"Reading coverage and running {checks.Length} checks");
        var coverage = new List<CoverageRow>();
        var findings = new List<CoverageFinding>();
        using (var command = new NpgsqlCommand(CoverageQueries.ReportSql(checks, sql), connection, transaction) { CommandTimeout = 0 })
        {
            AddScopeParameters(command, scope);
            plain?.AddParameters(command);
            if (withSource)
            {
                AddSourceParameters(command, source!);
            }

            using var registration = cancellationToken.Register(command.Cancel);
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.IsDBNull(0))
                {
                    coverage.Add(ReadCoverageRow(reader));
                }
                else
                {
                    findings.Add(ReadFinding(reader));
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
        coverage.Sort((a, b) => string.CompareOrdinal(a.TrustCode, b.TrustCode) is var c && c != 0 ? c : a.Period.CompareTo(b.Period));

        var order = checks.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        findings.Sort((a, b) =>
        {
            int c = order[a.Check].CompareTo(order[b.Check]);
            c = c != 0 ? c : string.CompareOrdinal(a.TrustCode, b.TrustCode);
            c = c != 0 ? c : Nullable.Compare(a.Period, b.Period);
            c = c != 0 ? c : string.CompareOrdinal(a.Service, b.Service);
            return c != 0 ? c : string.CompareOrdinal(a.Detail, b.Detail);
        });

        return new CoverageReport
        {
            Scope = scope,
            Database = connection.Database is { } db ? $"{connection.Host}:{connection.Port}/{db}" : "",
            Coverage = coverage,
            Findings = findings,
            Checks = checks,
            SourceFiles = sourceFiles ?? [],
        };
    }

    /// <summary>What <see cref="CoverageEvaluation.Auto"/> means for a server at <paramref name="host"/>.</summary>
    internal static CoverageEvaluation Resolve(CoverageEvaluation evaluation, string? host) => evaluation switch
    {
        CoverageEvaluation.Auto when DatabaseConnection.IsLocal(host ?? "") => CoverageEvaluation.PlainDocumentsInClient,
        CoverageEvaluation.Auto => CoverageEvaluation.SqlOnly,
        _ => evaluation,
    };

    internal static void AddScopeParameters(NpgsqlCommand command, CoverageScope scope)
    {
        command.Parameters.Add(new NpgsqlParameter("data_type", NpgsqlDbType.Text) { Value = scope.DataType });
        if (scope.FromMonth is { } from)
        {
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = DateOnly.FromDateTime(from) });
        }

        if (scope.ToMonth is { } to)
        {
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = DateOnly.FromDateTime(to) });
        }

        if (scope.NormalisedTrustCodes.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter("trusts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.NormalisedTrustCodes.ToArray() });
        }
    }

    private static CoverageRow ReadCoverageRow(NpgsqlDataReader reader) => new()
    {
        TrustCode = reader.GetString(2),
        Period = reader.GetDateTime(3),
        TrustName = reader.IsDBNull(6) ? "" : reader.GetString(6),
        IcbCode = reader.IsDBNull(7) ? null : reader.GetString(7),
        HasData = reader.GetBoolean(8),
        ServicesReported = checked((int)reader.GetInt64(9)),
        TotalWaiting = (long)reader.GetDecimal(10),
        ServicesWith52PlusWeeks = checked((int)reader.GetInt64(11)),
        Waiting52PlusWeeks = (long)reader.GetDecimal(12),
    };

    private static CoverageFinding ReadFinding(NpgsqlDataReader reader) => new()
    {
        Check = reader.GetString(0),
        Severity = Enum.Parse<FindingSeverity>(reader.GetString(1)),
        TrustCode = reader.IsDBNull(2) ? null : reader.GetString(2),
        Period = reader.IsDBNull(3) ? null : reader.GetDateTime(3),
        Service = reader.IsDBNull(4) ? null : reader.GetString(4),
        Detail = reader.IsDBNull(5) ? "" : reader.GetString(5),
    };

    private static void AddSourceParameters(NpgsqlCommand command, IReadOnlyCollection<SourceCell> source)
    {
        command.Parameters.Add(new NpgsqlParameter("src_trust", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = source.Select(c => c.TrustCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("src_period", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = source.Select(c => DateOnly.FromDateTime(c.Period)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("src_json_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = source.Select(c => c.CategoryJsonKey).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("src_service", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = source.Select(c => c.ServiceKey).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("src_band", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = source.Select(c => c.BandKey).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("src_value", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = source.Select(c => c.Value).ToArray() });
    }

    /// <summary>The category of a JSON category key ("adult_services" or "cyp_services").</summary>
    public static ServiceCategory CategoryOf(string jsonKey) =>
        jsonKey == "cyp_services" ? ServiceCategory.CYP : ServiceCategory.Adult;
}
