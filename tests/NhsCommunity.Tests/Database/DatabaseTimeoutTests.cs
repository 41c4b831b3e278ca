using System.Diagnostics;
using System.Management.Automation;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Queries;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// Every database wait is bounded: while another session holds a lock on trust_metrics, the readers and the
/// writer stop after -TimeoutSeconds with a Timeout error that names the table and the blocking session, and
/// the bounds are transaction-local, so nothing stays behind on a pooled connection.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class DatabaseTimeoutTests
{
    // Generous for a 1 s bound: the command may also spend a few seconds starting, connecting and asking who
    // held the lock, but before these bounds existed it waited for ever (coverage) or 30 s (the other readers).
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(12);

    [SkippableFact]
    public void Coverage_waiting_list_and_update_stop_after_their_timeout_naming_the_session_that_holds_the_table()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("timeout_lock", trusts: 3);
        List<CommunityDocument> documents = [.. db.Documents(SyntheticBackfill.Months[0]), .. db.Documents(SyntheticBackfill.Months[1])];
        string before = db.RowVersions();
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["cs"] = db.ConnectionString, ["docs"] = documents };

        using (NpgsqlConnection holder = db.Open())
        using (NpgsqlTransaction hold = holder.BeginTransaction())
        {
            using (var take = new NpgsqlCommand("LOCK TABLE trust_metrics IN ACCESS EXCLUSIVE MODE", holder, hold))
            {
                take.ExecuteNonQuery();
            }

            int pid = holder.ProcessID;
            foreach (var (command, id) in new[]
            {
                ("Test-CommunityCoverage -ConnectionString $cs -TimeoutSeconds 1", "TestCommunityCoverageTimeout,NhsCommunity.Commands.TestCommunityCoverageCommand"),
                ("Get-CommunityWaitingList -ConnectionString $cs -TimeoutSeconds 1", "GetCommunityWaitingListTimeout,NhsCommunity.Commands.GetCommunityWaitingListCommand"),
                ("Get-CommunityWaitingList -ConnectionString $cs -GroupBy Period -TimeoutSeconds 1", "GetCommunityWaitingListTimeout,NhsCommunity.Commands.GetCommunityWaitingListCommand"),
            })
            {
                var clock = Stopwatch.StartNew();
                ScriptResult result = session.Run($"try {{ {command} }} catch {{ $_ }}", variables);
                clock.Stop();

                ErrorRecord error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
                Assert.Equal(id, error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
                AssertNamesTheHolder(error.Exception, pid, "AccessExclusiveLock on trust_metrics");
                Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), Longest);
            }

            var writeClock = Stopwatch.StartNew();
            ScriptResult update = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs -TimeoutSeconds 1", variables);
            writeClock.Stop();

            // Each month waits once for its bound, is reported Failed with the reason, and nothing of it is written.
            Assert.Equal(2, update.Errors.Count);
            Assert.All(update.Errors, e =>
            {
                Assert.Equal("UpdateTrustMetricsTimeout,NhsCommunity.Commands.UpdateTrustMetricsCommand", e.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.OperationTimeout, e.CategoryInfo.Category);
                AssertNamesTheHolder(e.Exception, pid, "AccessExclusiveLock on trust_metrics");
            });
            Assert.Equal(["2024-08", "2024-09"], update.Errors.Select(e => (string)e.TargetObject));
            Assert.All(update.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject), r =>
            {
                Assert.Equal(TrustMetricsWriteStatus.Failed, r.Status);
                Assert.StartsWith($"Writing {r.Period:yyyy-MM} to trust_metrics on postgres@127.0.0.1:", r.Reason, StringComparison.Ordinal);
            });
            Assert.InRange(writeClock.Elapsed, TimeSpan.FromSeconds(2), Longest + Longest);
            hold.Rollback();
        }

        Assert.Equal(before, db.RowVersions());
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_data_history"));
    }

    [SkippableFact]
    public async Task A_month_waiting_on_a_row_another_session_locked_fails_after_its_lock_timeout_naming_that_session_and_its_query()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("timeout_row", trusts: 4);
        DateTime month = SyntheticBackfill.Months[0];
        string before = db.MonthState(month);
        using NpgsqlConnection holder = db.Open();
        using NpgsqlTransaction hold = holder.BeginTransaction();
        using (var lockRow = new NpgsqlCommand("SELECT 1 FROM trust_metrics WHERE trust_code = 'R02' AND period = '2024-08-01' FOR UPDATE", holder, hold))
        {
            lockRow.ExecuteNonQuery();
        }

        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString, timeout: TimeSpan.FromSeconds(5));
        await using var writer = new TrustMetricsWriter(target, new TrustMetricsWriteOptions { LockTimeout = TimeSpan.FromMilliseconds(500) });
        await writer.PrepareAsync(CancellationToken.None);
        MonthWriteOutcome outcome = await writer.WriteMonthAsync(month, db.Documents(month), CancellationToken.None);

        DatabaseTimeoutException timeout = Assert.IsType<DatabaseTimeoutException>(outcome.Failure);
        Assert.Equal(1, outcome.Attempts);
        BlockingSession blocker = Assert.Single(timeout.Blockers);
        Assert.Equal(holder.ProcessID, blocker.Pid);
        Assert.Equal("idle in transaction", blocker.State);
        Assert.Contains("RowShareLock on trust_metrics", blocker.Locks);
        Assert.Contains("FOR UPDATE", blocker.Query, StringComparison.Ordinal);
        AssertNamesTheHolder(timeout, holder.ProcessID, "RowShareLock on trust_metrics", "0.5 s");
        Assert.All(outcome.Results, r => Assert.Equal(TrustMetricsWriteStatus.Failed, r.Status));
        Assert.Equal(before, db.MonthState(month));
        hold.Rollback();

        // Once the other session has finished, the same run writes the month.
        MonthWriteOutcome retried = await writer.WriteMonthAsync(month, db.Documents(month), CancellationToken.None);
        Assert.Null(retried.Failure);
        Assert.Equal(4, retried.Count(TrustMetricsWriteStatus.Updated));
    }

    [SkippableFact]
    public void A_slow_statement_with_no_lock_to_blame_says_so()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("timeout_slow", trusts: 2);

        // A view that sleeps stands in for a statement that is slow by itself.
        db.Scalar("ALTER TABLE trust_metrics RENAME TO trust_metrics_data; CREATE VIEW trust_metrics AS SELECT t.* FROM trust_metrics_data t, pg_sleep(3)");
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString, timeout: TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        DatabaseTimeoutException e = Assert.Throws<DatabaseTimeoutException>(() => WaitingListReader.Read(target, new WaitingListQuery()).ToList());

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.9));
        Assert.Empty(e.Blockers);
        Assert.StartsWith("Reading the waiting list from trust_metrics on postgres@127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.Contains(" gave up after 1 s: the statement did not finish in time, and no other session holds a lock on trust_metrics that it waits for.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Raise -TimeoutSeconds", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_bounds_are_transaction_local_so_a_pooled_connection_keeps_none_of_them()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("timeout_local", trusts: 2);
        db.WriteAsync(new TrustMetricsWriteOptions(), (SyntheticBackfill.Months[0], db.Documents(SyntheticBackfill.Months[0]))).GetAwaiter().GetResult();

        // One physical connection, never reset: as behind a transaction pooler, a session SET would stay on it.
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1, NoResetOnClose = true };
        using DatabaseTarget target = DatabaseTarget.Resolve(builder.ConnectionString, timeout: TimeSpan.FromSeconds(7));
        Assert.NotEmpty(WaitingListReader.Read(target, new WaitingListQuery()).ToList());
        Assert.NotEmpty(NhsCommunity.Mapping.PostgresTrustDirectory.From(target).GetTrustsAsync(CancellationToken.None).GetAwaiter().GetResult());

        using NpgsqlConnection pooled = target.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var show = new NpgsqlCommand("SELECT current_setting('statement_timeout') || '|' || current_setting('lock_timeout')", pooled);
        Assert.Equal("0|0", show.ExecuteScalar());
    }

    private static void AssertNamesTheHolder(Exception exception, int pid, string lockHeld, string bound = "1 s")
    {
        DatabaseTimeoutException timeout = Assert.IsType<DatabaseTimeoutException>(exception);
        Assert.Contains(timeout.Blockers, b => b.Pid == pid);
        string message = timeout.Message;
        Assert.Contains(" gave up after " + bound + " waiting for a lock that another session holds: session " + pid + " (user postgres", message, StringComparison.Ordinal);
        Assert.Contains(" holds " + lockHeld, message, StringComparison.Ordinal);
        Assert.Contains("Run it again when that session has finished, raise -TimeoutSeconds, or end that session (SELECT pg_terminate_backend(" + pid + ")).", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception while reading from stream", message, StringComparison.Ordinal);
    }
}
