using System.Data;
using System.Text.RegularExpressions;
using Npgsql;

namespace NhsCommunity.Coverage;

/// <summary>
/// Further connections whose transactions see exactly what one transaction sees (its exported snapshot), so parts of
/// one report can be read at once. A partner that cannot be opened or cannot join only means fewer parts.
/// </summary>
internal sealed partial class SnapshotPartners : IDisposable
{
    private readonly List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> _partners = [];

    private SnapshotPartners()
    {
    }

    public IReadOnlyList<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> Partners => _partners;

    /// <summary>
    /// Opens up to <paramref name="count"/> partners of <paramref name="transaction"/>, a repeatable read transaction
    /// (PostgreSQL 10 and later export its snapshot on primaries and standbys alike).
    /// </summary>
    /// <param name="configure">Run in each partner's transaction once it has joined (the report's SET LOCALs).</param>
    public static SnapshotPartners Open(NpgsqlConnection connection, NpgsqlTransaction transaction, Func<NpgsqlConnection> open, int count, Action<NpgsqlConnection, NpgsqlTransaction> configure)
    {
        var partners = new SnapshotPartners();
        if (count <= 0)
        {
            return partners;
        }

        string snapshot;
        using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)export.ExecuteScalar()!;
        }

        if (!SnapshotId().IsMatch(snapshot))
        {
            return partners;
        }

        for (int i = 0; i < count; i++)
        {
            NpgsqlConnection? partner = null;
            try
            {
                partner = open();
                NpgsqlTransaction joined = partner.BeginTransaction(IsolationLevel.RepeatableRead);
                using (var import = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshot}'", partner, joined))
                {
                    import.ExecuteNonQuery();
                }

                configure(partner, joined);
                partners._partners.Add((partner, joined));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // A pooler that will not share snapshots, or no connection to spare: read in fewer parts.
                partner?.Dispose();
                break;
            }
        }

        return partners;
    }

    public void Dispose()
    {
        foreach (var (connection, transaction) in _partners)
        {
            transaction.Dispose();
            connection.Dispose();
        }

        _partners.Clear();
    }

    [GeneratedRegex("^[0-9A-Fa-f-]+$")]
    private static partial Regex SnapshotId();
}
