using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using NhsCommunity.Mart;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Queries;

/// <summary>Reads waiting list rows from the JSONB in SQL and yields them as they arrive.</summary>
public static class WaitingListReader
{
    private static readonly int BandCount = BandCatalogue.All.Count;

    /// <summary>One row per service; streamed, so the caller can emit each before the next is read.</summary>
    public static IEnumerable<WaitingListRow> Read(DatabaseTarget database, WaitingListQuery query, CancellationToken cancellationToken = default) =>
        Bounded(database, (connection, timeout) => Read(connection, query, timeout, cancellationToken), cancellationToken);

    public static IEnumerable<WaitingListSummary> ReadGrouped(DatabaseTarget database, WaitingListQuery query, CancellationToken cancellationToken = default) =>
        Bounded(database, (connection, timeout) => ReadGrouped(connection, query, timeout, cancellationToken), cancellationToken);

    /// <summary>
    /// Streams <paramref name="read"/> on a connection of its own, bounded by the database's timeout; a timeout
    /// becomes a <see cref="DatabaseTimeoutException"/> naming the session it waited for.
    /// </summary>
    private static IEnumerable<T> Bounded<T>(DatabaseTarget database, Func<NpgsqlConnection, TimeSpan, IEnumerable<T>> read, CancellationToken cancellationToken)
    {
        using NpgsqlConnection connection = database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult();
        int pid = connection.ProcessID;
        using IEnumerator<T> rows = read(connection, database.Timeout).GetEnumerator();
        while (true)
        {
            try
            {
                if (!rows.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception e) when (DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
            {
                throw database.ExplainTimeoutAsync("Reading the waiting list from trust_metrics", e, null, ["trust_metrics"], LockProbe.BlockingReads, pid).GetAwaiter().GetResult();
            }

            yield return rows.Current;
        }
    }

    public static IEnumerable<WaitingListRow> Read(NpgsqlConnection connection, WaitingListQuery query, CancellationToken cancellationToken = default) =>
        Read(connection, query, DatabaseWaits.DefaultTimeout, cancellationToken);

    public static IEnumerable<WaitingListSummary> ReadGrouped(NpgsqlConnection connection, WaitingListQuery query, CancellationToken cancellationToken = default) =>
        ReadGrouped(connection, query, DatabaseWaits.DefaultTimeout, cancellationToken);

    /// <param name="timeout">The bound on the statement, lock waits included (statement_timeout and lock_timeout).</param>
    private static IEnumerable<WaitingListRow> Read(NpgsqlConnection connection, WaitingListQuery query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (query.GroupBy.Count > 0)
        {
            throw new ArgumentException("The query groups: use ReadGrouped.", nameof(query));
        }

        using NpgsqlCommand command = CreateCommand(connection, query, timeout);
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.NextResult(); // past the timeouts' row
        while (reader.Read())
        {
            var row = new WaitingListRow
            {
                TrustCode = reader.GetString(0),
                TrustName = reader.GetString(1),
                IcbCode = reader.IsDBNull(2) ? null : reader.GetString(2),
                IcbName = reader.IsDBNull(3) ? null : reader.GetString(3),
                Period = Month.Of(reader.GetDateTime(4)),
                Category = Enum.Parse<ServiceCategory>(reader.GetString(5), ignoreCase: true),
                ServiceKey = reader.GetString(6),
            };
            row.SetBands(Bands(reader, 7));
            yield return row;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static IEnumerable<WaitingListSummary> ReadGrouped(NpgsqlConnection connection, WaitingListQuery query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (query.GroupBy.Count == 0)
        {
            throw new ArgumentException("The query does not group: use Read.", nameof(query));
        }

        using NpgsqlCommand command = CreateCommand(connection, query, timeout);
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.NextResult(); // past the timeouts' row
        WaitingListGrouping[] groupBy = query.GroupBy.Distinct().ToArray();
        while (reader.Read())
        {
            var row = new WaitingListSummary
            {
                GroupBy = groupBy,
                IcbCode = reader.IsDBNull(0) ? null : reader.GetString(0),
                IcbName = reader.IsDBNull(1) ? null : reader.GetString(1),
                TrustCode = reader.IsDBNull(2) ? null : reader.GetString(2),
                TrustName = reader.IsDBNull(3) ? null : reader.GetString(3),
                Period = reader.IsDBNull(4) ? null : Month.Of(reader.GetDateTime(4)),
                Category = reader.IsDBNull(5) ? null : Enum.Parse<ServiceCategory>(reader.GetString(5), ignoreCase: true),
                ServiceKey = reader.IsDBNull(6) ? null : reader.GetString(6),
                Rows = reader.GetInt64(7),
                Trusts = reader.GetInt64(8),
            };
            row.SetBands(Bands(reader, 9));
            yield return row;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static long?[] Bands(NpgsqlDataReader reader, int first)
    {
        var values = new long?[BandCount];
        for (int i = 0; i < BandCount; i++)
        {
            values[i] = reader.IsDBNull(first + i) ? null : reader.GetInt64(first + i);
        }

        return values;
    }

    /// <summary>
    /// The one place that decides whether a query reads the mart: when it is installed (and readable), for the column it
    /// follows, and not as of a past moment (the history holds documents). Otherwise the query unnests the JSONB; both give the same rows.
    /// </summary>
    public static bool ReadsMart(WaitingListQuery query, bool martInstalled) =>
        martInstalled && query.Scope.Column == CoverageScope.DefaultColumn && query.Scope.AsOf is null;

    /// <summary>
    /// The query after the statement that bounds it: both run in one implicit transaction, which scopes the settings.
    /// Whether the mart is installed is asked first (catalog lookups only), because the query's text depends on it.
    /// </summary>
    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, WaitingListQuery query, TimeSpan timeout)
    {
        bool fromMart = ReadsMart(query, MartInstaller.IsInstalled(connection));
        string bounds = $"SELECT set_config('statement_timeout', @timeout_ms, true), set_config('lock_timeout', @timeout_ms, true);\n";
        var command = new NpgsqlCommand(bounds + WaitingListSql.Build(query, fromMart), connection) { CommandTimeout = DatabaseWaits.ClientSeconds(timeout) };
        command.Parameters.Add(new NpgsqlParameter("timeout_ms", NpgsqlDbType.Text)
        {
            Value = Math.Max(1L, (long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        CoverageAnalyzer.AddScopeParameters(command, query.Scope);
        if (query.IcbCodes.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter("icbs", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = query.IcbCodes.Select(c => c.Trim().ToUpperInvariant()).ToArray(),
            });
        }

        if (query.Periods.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter("periods", NpgsqlDbType.Array | NpgsqlDbType.Date)
            {
                Value = query.Periods.Select(p => new DateOnly(p.Year, p.Month, 1)).Distinct().ToArray(),
            });
        }

        if (query.Category is { } category)
        {
            command.Parameters.Add(new NpgsqlParameter("category", NpgsqlDbType.Text) { Value = category.ToString() });
        }

        if (query.Services.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter("services", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Services.ToArray() });
        }

        if (query.Selections.Count > 0)
        {
            static string? Code(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();
            command.Parameters.Add(new NpgsqlParameter("sel_trusts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Selections.Select(s => Code(s.TrustCode)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("sel_periods", NpgsqlDbType.Array | NpgsqlDbType.Date)
            {
                Value = query.Selections.Select(s => s.Period is { } p ? new DateOnly(p.Year, p.Month, 1) : (DateOnly?)null).ToArray(),
            });
            command.Parameters.Add(new NpgsqlParameter("sel_icbs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Selections.Select(s => Code(s.IcbCode)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("sel_services", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Selections.Select(s => s.ServiceKey).ToArray() });
        }

        if (query.MinTotalWaiting is { } minTotal)
        {
            command.Parameters.Add(new NpgsqlParameter("min_total", NpgsqlDbType.Numeric) { Value = (decimal)minTotal });
        }

        if (query.Min52PlusWeeks is { } min52)
        {
            command.Parameters.Add(new NpgsqlParameter("min_52", NpgsqlDbType.Numeric) { Value = (decimal)min52 });
        }

        return command;
    }
}
