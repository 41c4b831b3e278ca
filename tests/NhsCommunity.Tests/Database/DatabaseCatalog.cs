using Npgsql;

namespace NhsCommunity.Tests.Database;

/// <summary>What a test database holds beyond its rows: its relations and roles, to show a command created or changed nothing.</summary>
internal static class DatabaseCatalog
{
    /// <summary>Every relation outside the system schemas (tables, indexes, sequences, TOAST tables), with its kind and columns.</summary>
    public static string Relations(string connectionString) => Scalar(connectionString, """
        SELECT coalesce(string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text || ' ' || coalesce(cols.list, ''), E'\n' ORDER BY n.nspname, c.relname), '')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN LATERAL (
            SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS list
            FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        ) cols ON true
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        """);

    /// <summary>The user tables, as pg_tables lists them.</summary>
    public static string Tables(string connectionString) => Scalar(connectionString,
        "SELECT coalesce(string_agg(schemaname || '.' || tablename, ',' ORDER BY 1), '') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");

    public static string Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>
    /// A login role of its own (roles are cluster-wide, so the name is unique) that may connect to the database;
    /// <paramref name="grants"/> are run as the owner, with {role} standing for the role's name. Returns a
    /// connection string for that role.
    /// </summary>
    public static string WithRole(string connectionString, string purpose, string grants)
    {
        string role = $"{purpose}_{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Scalar(connectionString, $"""
            CREATE ROLE {role} LOGIN;
            GRANT CONNECT ON DATABASE "{builder.Database}" TO {role};
            GRANT USAGE ON SCHEMA public TO {role};
            {grants.Replace("{role}", role, StringComparison.Ordinal)}
            """);
        builder.Username = role;
        return builder.ConnectionString;
    }
}
