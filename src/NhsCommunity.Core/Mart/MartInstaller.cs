using System.Data;
using System.Diagnostics;
using NhsCommunity.Database;
using Npgsql;

namespace NhsCommunity.Mart;

/// <summary>
/// Installs and removes the mart (<see cref="MartSql"/>) beside trust_metrics, each in one transaction bounded by the
/// database's timeout. Needs only what the table's owner has: no superuser, no extension, no event trigger.
/// </summary>
public static class MartInstaller
{
    private const string InsufficientPrivilege = "42501";

    /// <summary>Creates or refreshes the mart and fills it from the table; running it again gives the same mart.</summary>
    public static MartResult Install(DatabaseTarget database, CancellationToken cancellationToken = default) =>
        InTransaction(database, "Installing the mart beside trust_metrics", (connection, transaction, schema, commandTimeout) =>
        {
            using var install = new NpgsqlCommand(MartSql.Install(schema), connection, transaction) { CommandTimeout = commandTimeout };
            using NpgsqlDataReader reader = install.ExecuteReader();
            do
            {
                if (reader.FieldCount == 4 && reader.Read())
                {
                    return new MartResult
                    {
                        Database = database.Description,
                        Schema = schema,
                        Installed = true,
                        Rows = reader.GetInt64(0),
                        Documents = reader.GetInt64(1),
                        Trusts = reader.GetInt64(2),
                        Services = reader.GetInt64(3),
                    };
                }
            }
            while (reader.NextResult());

            throw new InvalidOperationException("The install statement returned no counts.");
        }, cancellationToken);

    /// <summary>Drops the mart's triggers, functions and tables; with nothing installed it does nothing.</summary>
    public static MartResult Uninstall(DatabaseTarget database, CancellationToken cancellationToken = default) =>
        InTransaction(database, "Removing the mart beside trust_metrics", (connection, transaction, schema, commandTimeout) =>
        {
            var present = new List<string>();
            using (var find = new NpgsqlCommand(MartSql.Present(schema), connection, transaction) { CommandTimeout = commandTimeout })
            using (NpgsqlDataReader reader = find.ExecuteReader())
            {
                while (reader.Read())
                {
                    present.Add(reader.GetString(0));
                }
            }

            var views = new List<string>();
            using (var find = new NpgsqlCommand(MartSql.DependentViews(schema), connection, transaction) { CommandTimeout = commandTimeout })
            using (NpgsqlDataReader reader = find.ExecuteReader())
            {
                while (reader.Read())
                {
                    views.Add(reader.GetString(0));
                }
            }

            if (views.Count > 0)
            {
                throw new MartException(
                    $"The mart on {database.Description} cannot be removed: {string.Join(", ", views)} read(s) its tables. Drop those views first (DROP VIEW ...), then run Uninstall-CommunityMart again; nothing was changed.",
                    null);
            }

            if (present.Count > 0)
            {
                using var drop = new NpgsqlCommand(MartSql.Uninstall(schema), connection, transaction) { CommandTimeout = commandTimeout };
                drop.ExecuteNonQuery();
            }

            return new MartResult { Database = database.Description, Schema = schema, Installed = false, Removed = present };
        }, cancellationToken);

    /// <summary>True when the mart is installed, complete and readable by this user (<see cref="MartSql.InstalledProbe"/>).</summary>
    public static bool IsInstalled(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        using var probe = new NpgsqlCommand(MartSql.InstalledProbe, connection, transaction);
        return probe.ExecuteScalar() is true;
    }

    private static MartResult InTransaction(
        DatabaseTarget database,
        string what,
        Func<NpgsqlConnection, NpgsqlTransaction, string, int, MartResult> work,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using NpgsqlConnection connection = database.OpenConnectionAsync(cancellationToken).GetAwaiter().GetResult();
        int pid = connection.ProcessID;
        int commandTimeout = DatabaseWaits.ClientSeconds(database.Timeout);
        try
        {
            using NpgsqlTransaction transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            using (var bounds = new NpgsqlCommand(DatabaseWaits.SetLocalSql(database.Timeout, database.Timeout), connection, transaction))
            {
                bounds.ExecuteNonQuery();
            }

            string schema;
            using (var find = new NpgsqlCommand(MartSql.SchemaOfSource, connection, transaction))
            {
                schema = find.ExecuteScalar() as string
                    ?? throw new TrustMetricsSchemaException(
                        TrustMetricsSchemaException.TableNotFound,
                        $"There is no table trust_metrics on {database.Description} (in the search path): the mart is built beside it. Check the database you connect to.");
            }

            MartResult result = work(connection, transaction, schema, commandTimeout);
            transaction.Commit();
            return result with { Elapsed = stopwatch.Elapsed };
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            throw new DatabasePermissionException(
                $"{what} on {database.Description} was refused: {database.Redact(e.MessageText)}. Run it as the owner of trust_metrics (the role that created it); nothing was changed.",
                database.Redact(e));
        }
        catch (Exception e) when (DatabaseWaits.IsTimeout(e) && !cancellationToken.IsCancellationRequested)
        {
            throw database.ExplainTimeoutAsync(what, e, null, ["trust_metrics"], LockProbe.BlockingWrites, pid).GetAwaiter().GetResult();
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MartException(
                $"{what} on {database.Description} failed: {database.Redact(e.MessageText)}{(e.Detail is { } detail ? " (" + database.Redact(detail) + ")" : "")}. Nothing was changed.",
                database.Redact(e));
        }
    }
}
