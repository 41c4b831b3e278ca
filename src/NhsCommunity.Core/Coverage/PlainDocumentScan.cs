using System.Buffers;
using NhsCommunity.Database;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Coverage;

/// <summary>
/// Reads every document in scope once and keeps the figures of the plain ones, for the coverage SQL to take as
/// parameters (<see cref="CoverageSql.PlainDocumentsGiven"/>), sorted by the part of the report each falls in. Run it
/// in the report's transaction, so both statements see the same rows.
/// </summary>
internal sealed class PlainDocumentScan
{
    /// <summary>The first byte of jsonb's binary form: the version of the text that follows.</summary>
    private const byte JsonbVersion = 1;

    private readonly Part[] _parts;

    /// <summary>The id column's type (uuid in the published schema; whatever another tool's table uses).</summary>
    private Type _idType = typeof(object);

    private PlainDocumentScan(int parts) => _parts = Enumerable.Range(0, parts).Select(_ => new Part()).ToArray();

    /// <summary>Documents read (rows in scope with a document).</summary>
    public int Documents { get; private set; }

    public int PlainDocuments => _parts.Sum(p => p.Ids.Count);

    /// <param name="parts">The parts the report is read in (<see cref="CoverageSql.Partitioned"/>); 1 for one.</param>
    /// <param name="commandTimeout">The client-side timeout in seconds (the transaction's statement_timeout bounds the server).</param>
    public static PlainDocumentScan Read(NpgsqlConnection connection, NpgsqlTransaction transaction, CoverageSql sql, int parts, CancellationToken cancellationToken, int? commandTimeout = null)
    {
        var scan = new PlainDocumentScan(parts);
        using var command = new NpgsqlCommand(sql.DocumentsSql(), connection, transaction) { CommandTimeout = commandTimeout ?? DatabaseWaits.ClientSeconds(DatabaseWaits.DefaultTimeout) };
        CoverageAnalyzer.AddScopeParameters(command, sql.Scope);
        command.Parameters.Add(new NpgsqlParameter<int>("partitions", parts));
        using var registration = cancellationToken.Register(command.Cancel);
        using NpgsqlDataReader reader = command.ExecuteReader();
        scan._idType = reader.GetFieldType(0);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (reader.Read())
            {
                int length = checked((int)reader.GetBytes(1, 0, null, 0, 0));
                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                reader.GetBytes(1, 0, buffer, 0, length);
                scan.Documents++;
                if (length > 0 && buffer[0] == JsonbVersion && PlainDocumentReader.TryRead(buffer.AsSpan(1, length - 1), out PlainDocument document))
                {
                    scan._parts[reader.GetInt32(2)].Add(reader.GetValue(0), document);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return scan;
    }

    /// <summary>Adds the @plain_* parameters the coverage SQL reads: the plain documents of one part.</summary>
    public void AddParameters(NpgsqlCommand command, int part)
    {
        Part plain = _parts[part];

        // The ids go back as the type they came as (Guid[] for uuid), so the SQL joins them without casts.
        var ids = Array.CreateInstance(_idType, plain.Ids.Count);
        for (int i = 0; i < plain.Ids.Count; i++)
        {
            ids.SetValue(plain.Ids[i], i);
        }

        command.Parameters.Add(new NpgsqlParameter("plain_id", ids));
        command.Parameters.Add(new NpgsqlParameter("plain_services", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = plain.Services.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_total_waiting", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = plain.TotalWaiting.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_services_52", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = plain.Services52.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_waiting_52", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = plain.Waiting52.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = plain.Metadata.ToArray() });
    }

    private sealed class Part
    {
        public List<object> Ids { get; } = [];

        public List<long> Services { get; } = [];

        public List<decimal> TotalWaiting { get; } = [];

        public List<long> Services52 { get; } = [];

        public List<decimal> Waiting52 { get; } = [];

        public List<string> Metadata { get; } = [];

        public void Add(object id, PlainDocument document)
        {
            Ids.Add(id);
            Services.Add(document.Services);
            TotalWaiting.Add(document.TotalWaiting);
            Services52.Add(document.ServicesWith52PlusWeeks);
            Waiting52.Add(document.Waiting52PlusWeeks);
            Metadata.Add(document.Metadata);
        }
    }
}
