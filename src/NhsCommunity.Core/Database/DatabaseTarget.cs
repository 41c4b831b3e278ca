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
    private readonly SecretRedactor _redactor;

    // A connection StartOpening began that nobody has taken yet.
    private Task<NpgsqlConnection>? _opening;

    private DatabaseTarget(ResolvedConnection resolved, TimeSpan? timeout)
    {
        if (timeout is { } bound && bound <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be longer than zero.");
        }

        NpgsqlConnectionStringBuilder settings = resolved.Settings;
        _redactor = resolved.Redactor;
        Timeout = timeout ?? DatabaseWaits.DefaultTimeout;
        Description = _redactor.Redact(DatabaseConnection.Describe(settings));
        DatabaseName = settings.Database ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? "";
        Tls = resolved.Tls;
        DataSource = DatabaseConnection.BuildDataSource(settings);
    }

    /// <summary>"user@host:port/database".</summary>
    public string Description { get; }

    public string DatabaseName { get; }

    /// <summary>How the connection is secured, and whether the server's certificate is verified.</summary>
    public TlsDecision Tls { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// How long any one statement may run, waits for locks included (statement_timeout and lock_timeout,
    /// set inside each transaction), and how long a backfill waits for another to finish. Default 30 s.
    /// </summary>
    public TimeSpan Timeout { get; }

    /// <summary>Resolves as <see cref="DatabaseConnection.Resolve"/> does; throws <see cref="DatabaseConfigurationException"/>.</summary>
    public static DatabaseTarget Resolve(string? connectionString, NetworkCredential? credential = null, TimeSpan? timeout = null) =>
        Resolve(connectionString, credential, Environment.GetEnvironmentVariable, timeout);

    /// <summary>As <see cref="Resolve(string?, NetworkCredential?, TimeSpan?)"/>, reading environment variables through <paramref name="environment"/>.</summary>
    internal static DatabaseTarget Resolve(string? connectionString, NetworkCredential? credential, Func<string, string?> environment, TimeSpan? timeout = null) =>
        new(DatabaseConnection.ResolveSettings(connectionString, credential, environment), timeout);

    /// <summary>Opens a connection (or takes the one <see cref="StartOpening"/> began); failures become a <see cref="DatabaseUnavailableException"/> naming only <see cref="Description"/>.</summary>
    public Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _opening, null) ?? OpenNowAsync(cancellationToken);

    private async Task<NpgsqlConnection> OpenNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            throw new DatabaseUnavailableException($"Could not connect to {Description}: {Redact(e.Message)}", Redact(e));
        }
    }

    /// <summary>
    /// Starts opening a connection on another thread and keeps it for the next <see cref="OpenConnectionAsync"/>,
    /// so the handshake and the driver's start-up overlap whatever the caller does meanwhile (reading workbooks).
    /// Nothing is written; a failure is given to that next call, exactly as if it had opened the connection itself.
    /// </summary>
    public void StartOpening(CancellationToken cancellationToken) =>
        _opening ??= Task.Run(() => OpenNowAsync(cancellationToken), cancellationToken);

    /// <summary>The text with every secret of this database's settings masked: use on every message built from a driver's.</summary>
    public string Redact(string message) => _redactor.Redact(message);

    /// <summary>The exception, or a stand-in with masked messages where its chain holds a secret: use before an exception leaves the core.</summary>
    public Exception Redact(Exception exception) => _redactor.Redact(exception);

    /// <summary>
    /// The timeout <paramref name="failure"/> of <paramref name="what"/> as an error naming the sessions it waited for;
    /// <paramref name="lockTimeout"/> is the bound of lock waits where it differs from <see cref="Timeout"/>.
    /// </summary>
    internal Task<DatabaseTimeoutException> ExplainTimeoutAsync(string what, Exception failure, TimeSpan? lockTimeout, IReadOnlyList<string> tables, IReadOnlyList<string> modes, params IReadOnlyList<int> ownPids) =>
        LockProbe.ExplainAsync(
            DataSource,
            Description,
            what,
            failure is PostgresException { SqlState: DatabaseWaits.LockNotAvailable } && lockTimeout is { } wait ? wait : Timeout,
            tables,
            modes,
            ownPids,
            failure);

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        // A connection begun early and never taken (the command stopped first) is closed, its failure ignored.
        if (Interlocked.Exchange(ref _opening, null) is { } opening)
        {
            try
            {
                await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is DatabaseUnavailableException or NpgsqlException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException)
            {
                // Never opened: nothing to close.
            }
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
