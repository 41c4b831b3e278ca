using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Database;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Queries;

/// <summary>Reads waiting list rows from the JSONB in SQL and yields them as they arrive.</summary>
public static class WaitingListReader
{
    private static readonly int BandCount = BandCatalogue.All.Count;

    /// <summary>One row per service; streamed, so the caller can emit each before the next is read.</summary>
    public static IEnumerable<WaitingListRow> Read(DatabaseTarget database, WaitingListQuery query, CancellationToken cancellationToken = default)
    {
        using NpgsqlConnection connection = database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult();
        foreach (WaitingListRow row in Read(connection, query, cancellationToken))
        {
            yield return row;
        }
    }

    public static IEnumerable<WaitingListSummary> ReadGrouped(DatabaseTarget database, WaitingListQuery query, CancellationToken cancellationToken = default)
    {
        using NpgsqlConnection connection = database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult();
        foreach (WaitingListSummary row in ReadGrouped(connection, query, cancellationToken))
        {
            yield return row;
        }
    }

    public static IEnumerable<WaitingListRow> Read(NpgsqlConnection connection, WaitingListQuery query, CancellationToken cancellationToken = default)
    {
        if (query.GroupBy.Count > 0)
        {
            throw new ArgumentException("The query groups: use ReadGrouped.", nameof(query));
        }

        using NpgsqlCommand command = CreateCommand(connection, query);
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = new WaitingListRow
            {
                TrustCode = reader.GetString(0),
                TrustName = reader.GetString(1),
                IcbCode = reader.IsDBNull(2) ? null : reader.GetString(2),
                IcbName = reader.IsDBNull(3) ? null : reader.GetString(3),
                Period = reader.GetDateTime(4),
                Category = Enum.Parse<ServiceCategory>(reader.GetString(5)),
                ServiceKey = reader.GetString(6),
            };
            row.SetBands(Bands(reader, 7));
            yield return row;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public static IEnumerable<WaitingListSummary> ReadGrouped(NpgsqlConnection connection, WaitingListQuery query, CancellationToken cancellationToken = default)
    {
        if (query.GroupBy.Count == 0)
        {
            throw new ArgumentException("The query does not group: use Read.", nameof(query));
        }

        using NpgsqlCommand command = CreateCommand(connection, query);
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
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
                Period = reader.IsDBNull(4) ? null : reader.GetDateTime(4),
                Category = reader.IsDBNull(5) ? null : Enum.Parse<ServiceCategory>(reader.GetString(5)),
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

    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, WaitingListQuery query)
    {
        var command = new NpgsqlCommand(WaitingListSql.Build(query), connection);
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
