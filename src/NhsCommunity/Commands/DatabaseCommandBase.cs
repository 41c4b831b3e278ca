using System.Data.Common;
using System.Management.Automation;
using NhsCommunity.Database;

namespace NhsCommunity.Commands;

/// <summary>
/// What every cmdlet that talks to trust_metrics shares: -ConnectionString and -Credential (else
/// NHSCOMMUNITY_CONNECTION, else the PG* variables), a cancellation token that Ctrl+C (StopProcessing)
/// cancels, and errors that name the database as user@host:port/db and never carry the connection
/// string or the password.
/// </summary>
public abstract class DatabaseCommandBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private DatabaseTarget? _database;

    /// <summary>Npgsql connection string ('Host=...;Port=...;Database=...;Username=...'). Kept out of every message.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>User name and password; the password overrides any in the connection string.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// How long any one wait may last: a statement (waits for other sessions' locks included) and, for the
    /// commands that write, the wait for another backfill to finish. Then the command stops with a Timeout error
    /// naming the session it waited for.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    [Alias("LockTimeoutSeconds")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>The command's name without the dash ("UpdateTrustMetrics"): the prefix of every error id.</summary>
    protected string ErrorIdPrefix => MyInvocation.MyCommand.Name.Replace("-", "", StringComparison.Ordinal);

    /// <summary>The database, resolved on first use; an unusable configuration is a terminating error.</summary>
    protected DatabaseTarget Database => _database ??= ResolveDatabase();

    /// <summary>True once <see cref="Database"/> has been resolved (for cmdlets that may finish without connecting).</summary>
    protected bool HasDatabase => _database is not null;

    /// <summary>An ErrorRecord for a database problem, with the id "&lt;Cmdlet&gt;&lt;problem&gt;" and every secret masked, inner exceptions included.</summary>
    protected ErrorRecord DatabaseError(Exception exception, string problem, ErrorCategory category, object? target) =>
        new(_database is null ? exception : _database.Redact(exception), ErrorIdPrefix + problem, category, target);

    /// <summary>Ends the command for a database that cannot be reached at all.</summary>
    protected void ThrowUnavailable(DatabaseUnavailableException exception) =>
        ThrowTerminatingError(DatabaseError(exception, "DatabaseUnavailable", ErrorCategory.ConnectionError, Database.Description));

    /// <summary>"&lt;Cmdlet&gt;Timeout": a statement or a wait for a lock took longer than -TimeoutSeconds.</summary>
    protected ErrorRecord TimeoutError(DatabaseTimeoutException exception, object? target) =>
        DatabaseError(exception, "Timeout", ErrorCategory.OperationTimeout, target);

    /// <summary>"&lt;Cmdlet&gt;PermissionDenied": the database refused the user a privilege the command needs.</summary>
    protected ErrorRecord PermissionError(DatabasePermissionException exception, object? target) =>
        DatabaseError(exception, "PermissionDenied", ErrorCategory.PermissionDenied, target);

    /// <summary>
    /// Runs a database read and turns its failures into terminating errors naming the database only:
    /// "&lt;Cmdlet&gt;DatabaseUnavailable" (cannot connect) and "&lt;Cmdlet&gt;QueryFailed" (e.g. no trust_metrics table).
    /// </summary>
    protected T ReadDatabase<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DatabaseUnavailableException e)
        {
            ThrowUnavailable(e);
            throw;
        }
        catch (DatabaseTimeoutException e)
        {
            ThrowTerminatingError(TimeoutError(e, Database.Description));
            throw;
        }
        catch (DbException e) when (!CancellationToken.IsCancellationRequested)
        {
            var problem = new InvalidOperationException($"Reading {Database.Description} failed: {Database.Redact(e.Message)}", e);
            ThrowTerminatingError(DatabaseError(problem, "QueryFailed", ErrorCategory.ReadError, Database.Description));
            throw;
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _database?.Dispose();
            _stopping.Dispose();
        }
    }

    private DatabaseTarget ResolveDatabase()
    {
        try
        {
            DatabaseTarget database = DatabaseTarget.Resolve(ConnectionString, Credential?.GetNetworkCredential(), TimeSpan.FromSeconds(TimeoutSeconds));
            WriteVerbose($"Database: {database.Description}");
            WriteVerbose(database.Tls.Describe());
            return database;
        }
        catch (DatabaseConfigurationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIdPrefix + "InvalidConnection", ErrorCategory.InvalidArgument, null));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }
}
