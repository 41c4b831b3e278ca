namespace NhsCommunity.Database;

/// <summary>The PostgreSQL server binaries are not on this machine, so no local server can be started.</summary>
public sealed class PostgresNotInstalledException : Exception
{
    public PostgresNotInstalledException()
        : base("PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: 'sudo apt-get install postgresql'), set NHSCOMMUNITY_PG_BIN to their folder, or give a connection string to an existing database.")
    {
    }
}
