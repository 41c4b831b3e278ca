using System.Buffers;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Coverage;

/// <summary>
/// Reads every document in scope once and keeps the figures of the plain ones, for the coverage SQL to take as
/// parameters (<see cref="CoverageSql.PlainDocumentsGiven"/>). Run it in the report's transaction, so both
/// statements see the same rows.
/// </summary>
internal sealed class PlainDocumentScan
{
    /// <summary>The first byte of jsonb's binary form: the version of the text that follows.</summary>
    private const byte JsonbVersion = 1;

    private readonly List<object> _ids = [];
    private readonly List<long> _services = [];
    private readonly List<decimal> _totalWaiting = [];
    private readonly List<long> _services52 = [];
    private readonly List<decimal> _waiting52 = [];
    private readonly List<string> _metadata = [];

    /// <summary>The id column's type (uuid in the published schema; whatever another tool's table uses).</summary>
    private Type _idType = typeof(object);

    /// <summary>Documents read (rows in scope with a document).</summary>
    public int Documents { get; private set; }

    public int PlainDocuments => _ids.Count;

    public static PlainDocumentScan Read(NpgsqlConnection connection, NpgsqlTransaction transaction, CoverageSql sql, CancellationToken cancellationToken)
    {
        var scan = new PlainDocumentScan();
        using var command = new NpgsqlCommand(sql.DocumentsSql(), connection, transaction) { CommandTimeout = 0 };
        CoverageAnalyzer.AddScopeParameters(command, sql.Scope);
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
                    scan.Add(reader.GetValue(0), document);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return scan;
    }

    /// <summary>Adds the @plain_* parameters the coverage SQL reads.</summary>
    public void AddParameters(NpgsqlCommand command)
    {
        // The ids go back as the type they came as (Guid[] for uuid), so the SQL joins them without casts.
        var ids = Array.CreateInstance(_idType, _ids.Count);
        for (int i = 0; i < _ids.Count; i++)
        {
            ids.SetValue(_ids[i], i);
        }

        command.Parameters.Add(new NpgsqlParameter("plain_id", ids));
        command.Parameters.Add(new NpgsqlParameter("plain_services", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _services.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_total_waiting", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = _totalWaiting.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_services_52", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _services52.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_waiting_52", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = _waiting52.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("plain_metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = _metadata.ToArray() });
    }

    private void Add(object id, PlainDocument document)
    {
        _ids.Add(id);
        _services.Add(document.Services);
        _totalWaiting.Add(document.TotalWaiting);
        _services52.Add(document.ServicesWith52PlusWeeks);
        _waiting52.Add(document.Waiting52PlusWeeks);
        _metadata.Add(document.Metadata);
    }
}
