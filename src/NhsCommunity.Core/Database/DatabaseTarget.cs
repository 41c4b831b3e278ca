using System.Net;
using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// One resolved database: the pooled data source the core's database code uses, and a description that
/// is safe to print. Cmdlets hold this object and never see a driver type, so the driver stays inside
/// the module's own load context.
/// </summary>
public sealed class DatabaseTarget : IDisposable, IAsyncDisposable
{
    private readonly string? _password;

    private DatabaseTarget(NpgsqlConnectionStringBuilder settings)
    {
        Description = DatabaseConnection.Describe(settings);
        DatabaseName = settings.Database ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? "";
        _password = settings.Password;
        DataSource = DatabaseConnection.BuildDataSource(settings);
    }

    /// <summary>"user@host:port/database".</summary>
    public string Description { get; }

    public string DatabaseName { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Resolves as <see cref="DatabaseConnection.Resolve"/> does; throws <see cref="DatabaseConfigurationException"/>.</summary>
    public static DatabaseTarget Resolve(string? connectionString, NetworkCredential? credential = null) =>
        new(DatabaseConnection.Resolve(connectionString, credential));

    /// <summary>Opens a connection; failures become a <see cref="DatabaseUnavailableException"/> naming only <see cref="Description"/>.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            throw new DatabaseUnavailableException($"Could not connect to {Description}: {Redact(e.Message)}", e);
        }
    }

    /// <summary>Defence in depth: drivers do not put the password in messages, and this makes sure of it.</summary>
    public string Redact(string message) =>
        string.IsNullOrEmpty(_password) ? message : message.Replace(_password, "***", StringComparison.Ordinal);

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
