using System.Data;
using System.Runtime.ExceptionServices;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using NhsCommunity.Mart;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Coverage;

/// <summary>
/// Runs the coverage query and every check against a trust_metrics table. Every check is done in SQL; from a server on
/// this machine the client first reads the documents once and sums up the plain ones itself (<see cref="CoverageEvaluation"/>).
/// </summary>
public static class CoverageAnalyzer
{
    /// <summary>Parts a report is read in at once, one connection each: the cores of this machine, at most four.</summary>
    internal static int DefaultParts => Math.Clamp(Environment.ProcessorCount, 1, 4);

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
        int pid = connection.ProcessID;
        try
        {
            CoverageReport report = Run(
                connection,
                () => database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult(),
                scope,
                source,
                sourceFiles,
                progress,
                CoverageEvaluation.Auto,
                DefaultParts,
                cancellationToken,
                database.Timeout);
            return report.WithDatabase(database.Description);
        }
        catch (Exception e) when (DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
        {
            throw database.ExplainTimeoutAsync("Reading coverage from trust_metrics", e, null, ["trust_metrics"], LockProbe.BlockingReads, pid).GetAwaiter().GetResult();
        }
    }

    /// <summary>The same on an open connection (tests and benchmarks share one); further parts open clones of it.</summary>
    public static CoverageReport Run(
        NpgsqlConnection connection,
        CoverageScope scope,
        IReadOnlyCollection<SourceCell>? source = null,
        IReadOnlyList<string>? sourceFiles = null,
        IProgress<string>? progress = null,
        CoverageEvaluation evaluation = CoverageEvaluation.Auto,
        CancellationToken cancellationToken = default) =>
        Run(connection, () => OpenClone(connection), scope, source, sourceFiles, progress, evaluation, DefaultParts, cancellationToken);

    /// <param name="openAnother">Opens a further connection to the same database, for reading in parts.</param>
    /// <param name="parts">How many parts to read at once at most (1: all on <paramref name="connection"/>).</param>
    /// <param name="timeout">The bound on each statement, lock waits included (statement_timeout and lock_timeout).</param>
    internal static CoverageReport Run(
        NpgsqlConnection connection,
        Func<NpgsqlConnection> openAnother,
        CoverageScope scope,
        IReadOnlyCollection<SourceCell>? source,
        IReadOnlyList<string>? sourceFiles,
        IProgress<string>? progress,
        CoverageEvaluation evaluation,
        int parts,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        bool withSource = source is { Count: > 0 };

        // Repeatable read: the documents the client reads and the statement that checks them are the same rows, and
        // the partners share this transaction's snapshot. The transactions also scope the SET LOCALs.
        using NpgsqlTransaction transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        TimeSpan bound = timeout ?? DatabaseWaits.DefaultTimeout;
        void ConfigureBounded(NpgsqlConnection c, NpgsqlTransaction t) => Configure(c, t, bound);
        bool fromMart = ReadsMart(scope, ConfigureAndProbeMart(connection, transaction, bound));
        CoverageCheck[] checks = CoverageChecks.All.Where(c => withSource || !c.NeedsSource).Concat(fromMart ? MartChecks.All : []).ToArray();

        using SnapshotPartners partners = SnapshotPartners.Open(connection, transaction, openAnother, parts - 1, ConfigureBounded);
        int commandTimeout = DatabaseWaits.ClientSeconds(bound);

        var connections = new List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> { (connection, transaction) };
        connections.AddRange(partners.Partners);

        evaluation = Resolve(evaluation, connection.Host);
        PlainDocumentScan? plain = null;
        if (evaluation == CoverageEvaluation.PlainDocumentsInClient && !fromMart)
        {
            progress?.Report("Reading the documents");
            plain = PlainDocumentScan.Read(connection, transaction, new CoverageSql(scope, SqlStyle.Parameters), connections.Count, cancellationToken, commandTimeout);
        }

        var sql = new CoverageSql(scope, SqlStyle.Parameters, plainDocumentsGiven: plain is not null, partitioned: connections.Count > 1, fromMart: fromMart);
        string text = CoverageQueries.ReportSql(checks, sql);
        progress?.Report(connections.Count > 1
            ? $"Reading coverage and running {checks.Length} checks, in {connections.Count} parts at once"
            : $"Reading coverage and running {checks.Length} checks");

        var results = new (List<CoverageRow> Coverage, List<CoverageFinding> Findings)[connections.Count];
        ForEachPart(connections.Count, part =>
        {
            using var command = new NpgsqlCommand(text, connections[part].Connection, connections[part].Transaction) { CommandTimeout = commandTimeout };
            AddScopeParameters(command, scope);
            plain?.AddParameters(command, part);
            if (withSource)
            {
                AddSourceParameters(command, source!);
            }

            if (sql.Partitioned)
            {
                command.Parameters.Add(new NpgsqlParameter<int>("partition", part));
                command.Parameters.Add(new NpgsqlParameter<int>("partitions", connections.Count));
            }

            results[part] = ReadPart(command, cancellationToken);
        });

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (_, joined) in partners.Partners)
        {
            joined.Commit();
        }

        transaction.Commit();
        List<CoverageRow> coverage = results.SelectMany(r => r.Coverage).ToList();
        List<CoverageFinding> findings = results.SelectMany(r => r.Findings).ToList();
        coverage.Sort(CoverageOrder.Rows);
        findings.Sort(CoverageOrder.Findings(checks));

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

    /// <summary>
    /// The one place that decides whether a report reads the mart: when it is installed (and readable), for the column
    /// it follows, and not as of a past moment (the history holds documents, not mart rows). Otherwise the report reads the JSONB; both give the same coverage and findings.
    /// </summary>
    public static bool ReadsMart(CoverageScope scope, bool martInstalled) =>
        martInstalled && scope.Column == CoverageScope.DefaultColumn && scope.AsOf is null;

    /// <summary>The transaction's settings and whether the mart is installed, in one round trip.</summary>
    private static bool ConfigureAndProbeMart(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout)
    {
        using var settings = new NpgsqlCommand(SettingsSql(timeout) + ";\n" + MartSql.InstalledProbe, connection, transaction);
        return settings.ExecuteScalar() is true;
    }

    /// <summary>What <see cref="CoverageEvaluation.Auto"/> means for a server at <paramref name="host"/>.</summary>
    internal static CoverageEvaluation Resolve(CoverageEvaluation evaluation, string? host) => evaluation switch
    {
        CoverageEvaluation.Auto when DatabaseConnection.IsLocal(host ?? "") => CoverageEvaluation.PlainDocumentsInClient,
        CoverageEvaluation.Auto => CoverageEvaluation.SqlOnly,
        _ => evaluation,
    };

    /// <summary>
    /// The report statement hashes whole relations: give it memory (the default 4 MB spills to disk), and no nested
    /// loops, which the planner picks between relations whose sizes it cannot estimate (jsonb_each, GROUP BY) and which
    /// then compare every document with every other (minutes instead of seconds). Those sizes also make its cost look
    /// huge, so PostgreSQL would spend seconds compiling it (JIT) to save far less. And no statement, nor a wait for a
    /// lock (another session's ALTER or LOCK TABLE), lasts longer than <paramref name="timeout"/>.
    /// </summary>
    private static void Configure(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout)
    {
        using var settings = new NpgsqlCommand(SettingsSql(timeout), connection, transaction);
        settings.ExecuteNonQuery();
    }

    private static string SettingsSql(TimeSpan timeout) =>
        "SET LOCAL work_mem = '64MB'; SET LOCAL enable_nestloop = off; SET LOCAL jit = off; " + DatabaseWaits.SetLocalSql(timeout, timeout);

    private static (List<CoverageRow> Coverage, List<CoverageFinding> Findings) ReadPart(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var coverage = new List<CoverageRow>();
        var findings = new List<CoverageFinding>();
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

        return (coverage, findings);
    }

    /// <summary>Runs the parts at once, and throws as a single part would (the first failure, not an AggregateException).</summary>
    private static void ForEachPart(int parts, Action<int> read)
    {
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, read);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>A further connection with the same settings and credentials (Npgsql keeps the password for clones).</summary>
    private static NpgsqlConnection OpenClone(NpgsqlConnection connection)
    {
        NpgsqlConnection clone = connection.CloneWith(connection.ConnectionString);
        try
        {
            clone.Open();
            return clone;
        }
        catch
        {
            clone.Dispose();
            throw;
        }
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

    private static CoverageRow ReadCoverageRow(NpgsqlDataReader reader) => new()
    {
        TrustCode = reader.GetString(2),
        Period = Month.Of(reader.GetDateTime(3)),
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
        Period = reader.IsDBNull(3) ? null : Month.Of(reader.GetDateTime(3)),
        ServicePath = reader.IsDBNull(4) ? null : reader.GetString(4),
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
