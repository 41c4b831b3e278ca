namespace NhsCommunity.Database;

/// <summary>Another session that held a lock a timed-out command had to wait for, as pg_locks and pg_stat_activity showed it.</summary>
/// <param name="Pid">Its server process id (pg_terminate_backend takes it).</param>
/// <param name="Locks">The locks it held, such as "AccessExclusiveLock on trust_metrics".</param>
/// <param name="State">pg_stat_activity.state, such as "idle in transaction".</param>
/// <param name="TransactionSeconds">How long its transaction (else its query) had been open.</param>
/// <param name="Query">Its current or last statement, shortened; empty when the server does not show it to this user.</param>
public sealed record BlockingSession(int Pid, IReadOnlyList<string> Locks, string User, string Application, string State, double TransactionSeconds, string Query);
