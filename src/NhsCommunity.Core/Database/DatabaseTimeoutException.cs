using System.Globalization;
using System.Text;

namespace NhsCommunity.Database;

/// <summary>
/// A statement, or a wait for a lock, took longer than its bound and was cancelled: nothing of it was done.
/// The message says what was waiting, on which table, for which other session (pid, state and query, where
/// PostgreSQL shows them), and what to do.
/// </summary>
public sealed class DatabaseTimeoutException : Exception
{
    public DatabaseTimeoutException(string what, string database, TimeSpan timeout, IReadOnlyList<string> tables, IReadOnlyList<BlockingSession> blockers, bool lockWait, Exception? innerException)
        : base(Compose(what, database, timeout, tables, blockers, lockWait), innerException)
    {
        Timeout = timeout;
        Tables = tables;
        Blockers = blockers;
    }

    /// <summary>The bound that was reached.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The tables the command works on.</summary>
    public IReadOnlyList<string> Tables { get; }

    /// <summary>The sessions that held locks on those tables the command had to wait for, when it gave up; empty if none did.</summary>
    public IReadOnlyList<BlockingSession> Blockers { get; }

    private static string Describe(BlockingSession b)
    {
        string application = b.Application.Length > 0 ? $", application '{b.Application}'" : "";
        string state = b.State.Length > 0 ? b.State : "state unknown";
        string query = b.Query.Length > 0 ? $", its query: {b.Query}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"session {b.Pid} (user {b.User}{application}, {state}, transaction open for {b.TransactionSeconds:0} s) holds {string.Join(" and ", b.Locks)}{query}");
    }

    private static string Compose(string what, string database, TimeSpan timeout, IReadOnlyList<string> tables, IReadOnlyList<BlockingSession> blockers, bool lockWait)
    {
        string bound = string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.###} s");
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{what} on {database} gave up after {bound}"));
        if (blockers.Count == 0)
        {
            text.Append(lockWait
                ? $" waiting for a lock on {string.Join(", ", tables)}; the session that held it has finished since. Nothing was changed. Run it again, or raise -TimeoutSeconds."
                : $": the statement did not finish in time, and no other session holds a lock on {string.Join(", ", tables)} that it waits for. Nothing was changed. Raise -TimeoutSeconds, or ask for less (a narrower scope).");
            return text.ToString();
        }

        text.Append(" waiting for a lock that another session holds: ");
        text.AppendJoin("; ", blockers.Take(3).Select(Describe));
        if (blockers.Count > 3)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"; and {blockers.Count - 3} more session(s)"));
        }

        text.Append(string.Create(CultureInfo.InvariantCulture,
            $". Nothing was changed. Run it again when that session has finished, raise -TimeoutSeconds, or end that session (SELECT pg_terminate_backend({blockers[0].Pid}))."));
        return text.ToString();
    }
}
