using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Coverage;

/// <summary>Runs the coverage query and every check against a trust_metrics table; all the work is done in SQL.</summary>
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
        CoverageReport report = Run(connection, scope, source, sourceFiles, progress, cancellationToken);
        return report.WithDatabase(database.Description);
    }

    /// <summary>The same on an open connection (tests and benchmarks share one).</summary>
    public static CoverageReport Run(
        NpgsqlConnection connection,
        CoverageScope scope,
        IReadOnlyCollection<SourceCell>? source = null,
        IReadOnlyList<string>? sourceFiles = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        bool withSource = source is { Count: > 0 };
        CoverageCheck[] checks = CoverageChecks.All.Where(c => withSource || !c.NeedsSource).ToArray();
        var sql = new CoverageSql(scope, SqlStyle.Parameters);

        // One snapshot for both statements, so the findings describe the same rows as the coverage.
        using NpgsqlTransaction transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

        // The queries hash whole relations; the default 4 MB of sort and hash memory would spill them to disk.
        using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '64MB'", connection, transaction))
        {
            memory.ExecuteNonQuery();
        }

        progress?.Report("Reading coverage");
        List<CoverageRow> coverage = ReadCoverage(connection, transaction, sql, cancellationToken);

        progress?.Report($"Running {checks.Length} checks");
        List<CoverageFinding> findings = ReadFindings(connection, transaction, sql, checks, source, cancellationToken);
        transaction.Commit();

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

    private static List<CoverageRow> ReadCoverage(NpgsqlConnection connection, NpgsqlTransaction transaction, CoverageSql sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(CoverageQueries.CoverageSqlText(sql), connection, transaction);
        AddScopeParameters(command, sql.Scope);
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var rows = new List<CoverageRow>();
        while (reader.Read())
        {
            rows.Add(new CoverageRow
            {
                TrustCode = reader.GetString(0),
                TrustName = reader.GetString(1),
                IcbCode = reader.IsDBNull(2) ? null : reader.GetString(2),
                Period = reader.GetDateTime(3),
                HasData = reader.GetBoolean(4),
                ServicesReported = checked((int)reader.GetInt64(5)),
                TotalWaiting = (long)reader.GetDecimal(6),
                ServicesWith52PlusWeeks = checked((int)reader.GetInt64(7)),
                Waiting52PlusWeeks = (long)reader.GetDecimal(8),
            });
        }

        cancellationToken.ThrowIfCancellationRequested();
        return rows;
    }

    private static List<CoverageFinding> ReadFindings(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        CoverageSql sql,
        IReadOnlyList<CoverageCheck> checks,
        IReadOnlyCollection<SourceCell>? source,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(CoverageQueries.AllChecksSql(checks, sql), connection, transaction);
        AddScopeParameters(command, sql.Scope);
        if (checks.Any(c => c.NeedsSource))
        {
            AddSourceParameters(command, source!);
        }

        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var findings = new List<CoverageFinding>();
        while (reader.Read())
        {
            findings.Add(new CoverageFinding
            {
                Check = reader.GetString(0),
                Severity = Enum.Parse<FindingSeverity>(reader.GetString(1)),
                TrustCode = reader.IsDBNull(2) ? null : reader.GetString(2),
                Period = reader.IsDBNull(3) ? null : reader.GetDateTime(3),
                Service = reader.IsDBNull(4) ? null : reader.GetString(4),
                Detail = reader.IsDBNull(5) ? "" : reader.GetString(5),
            });
        }

        cancellationToken.ThrowIfCancellationRequested();
        return findings;
    }

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
