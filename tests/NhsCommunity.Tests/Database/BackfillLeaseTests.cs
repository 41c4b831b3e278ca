using System.Globalization;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// The backfill lease: two runs on one database never interleave (the second waits, then fails naming
/// the first, or starts once the first has finished), a crashed run's lease expires, and a run that lost
/// its lease writes nothing more. Against a real PostgreSQL with synthetic rows.
/// </summary>
[Trait("Category", "Database")]
public class BackfillLeaseTests
{
    private const string LeaseName = "community_backfill";

    [SkippableFact]
    public async Task A_second_run_fails_naming_the_first_with_nothing_written_and_runs_whole_once_the_first_has_finished()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_busy", trusts: 6);
        DateTime[] months = SyntheticBackfill.Months;
        var a = months.Select(m => (Month: m, Documents: db.Documents(m, variant: 1))).ToList();
        var b = months.Select(m => (Month: m, Documents: db.Documents(m, variant: 2))).ToList();
        var first = new TrustMetricsWriteOptions();
        var second = new TrustMetricsWriteOptions { LockTimeout = TimeSpan.FromMilliseconds(700) };
        string database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);

        await using (var runA = new TrustMetricsWriter(target, first))
        {
            await runA.PrepareAsync(CancellationToken.None);
            Assert.Equal(1, runA.RoundTrips);
            Assert.Null((await runA.WriteMonthAsync(a[0].Month, a[0].Documents, CancellationToken.None)).Failure);
            string before = db.RowVersions();

            await using (var runB = new TrustMetricsWriter(target, second))
            {
                BackfillLockedException busy = await Assert.ThrowsAsync<BackfillLockedException>(() => runB.PrepareAsync(CancellationToken.None));
                Assert.StartsWith($"Another backfill (run {first.RunId}, started ", busy.Message, StringComparison.Ordinal);
                Assert.Contains(
                    $" UTC by {Environment.UserName} on {Environment.MachineName} (process {Environment.ProcessId})) is running on postgres@127.0.0.1:{TestPostgres.Instance.Port}/{database}: it did not finish within 0.7 s.",
                    busy.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("Host=", busy.Message, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Username=", busy.Message, StringComparison.OrdinalIgnoreCase);

                // Without the lease it cannot write a month either.
                await Assert.ThrowsAsync<InvalidOperationException>(() => runB.WriteMonthAsync(b[0].Month, b[0].Documents, CancellationToken.None));
            }

            Assert.Equal(before, db.RowVersions());
            Assert.Equal("0", db.Scalar($"SELECT count(*) FROM community_data_history WHERE run_id = '{second.RunId}'"));
            Assert.Equal(first.RunId.ToString(), db.Scalar("SELECT run_id FROM community_backfill_lease"));

            foreach (var (month, documents) in a.Skip(1))
            {
                MonthWriteOutcome outcome = await runA.WriteMonthAsync(month, documents, CancellationToken.None);
                Assert.Null(outcome.Failure);
                Assert.Equal(1, outcome.RoundTrips);
            }

            await runA.ReleaseAsync(CancellationToken.None);
            Assert.Equal(1 + months.Length + 1, runA.RoundTrips);
        }

        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
        List<MonthWriteOutcome> later = await db.WriteAsync(second, b);
        Assert.All(later, o => Assert.Equal(db.Trusts.Count, o.Count(TrustMetricsWriteStatus.Updated)));
        foreach (var (month, documents) in b)
        {
            Assert.All(db.Matches(month, documents), m => Assert.True(m.Value));
        }

        AssertRunsInSequence(db, first.RunId, second.RunId);
    }

    [SkippableFact]
    public async Task A_run_starting_while_another_is_mid_month_waits_for_it_to_finish_and_the_runs_never_interleave()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_wait", trusts: 20);
        DateTime[] months = SyntheticBackfill.Months;
        var a = months.Select(m => (Month: m, Documents: db.Documents(m, variant: 1))).ToList();
        var b = months.Select(m => (Month: m, Documents: db.Documents(m, variant: 2))).ToList();
        var first = new TrustMetricsWriteOptions();
        var second = new TrustMetricsWriteOptions { LockTimeout = TimeSpan.FromMinutes(2) };
        string october = db.MonthState(months[2]);
        Task<List<MonthWriteOutcome>> runA, runB;

        // A row of September held by the test keeps run A in the middle of its second month.
        using (NpgsqlConnection holder = db.Open())
        using (NpgsqlTransaction hold = holder.BeginTransaction())
        {
            using (var lockRow = new NpgsqlCommand("SELECT 1 FROM trust_metrics WHERE trust_code = 'R07' AND period = '2024-09-01' FOR UPDATE", holder, hold))
            {
                lockRow.ExecuteNonQuery();
            }

            runA = Task.Run(() => db.WriteAsync(first, a));
            Assert.True(WaitUntil(db, WaitingBackends(1)), "run A never reached the held row");

            // Run B's start-up now waits on the lease row, which A's month keeps locked.
            runB = Task.Run(() => db.WriteAsync(second, b));
            Assert.True(WaitUntil(db, WaitingBackends(2)), "run B never waited for run A");
            Assert.Equal("0", db.Scalar($"SELECT count(*) FROM community_data_history WHERE run_id = '{second.RunId}'"));
            Assert.Equal(october, db.MonthState(months[2]));
            hold.Rollback();
        }

        List<MonthWriteOutcome>[] outcomes = await Task.WhenAll(runA, runB);
        Assert.All(outcomes.SelectMany(o => o), o => Assert.Null(o.Failure));
        Assert.All(outcomes.SelectMany(o => o), o => Assert.Equal(1, o.RoundTrips));
        foreach (var (month, documents) in b)
        {
            Assert.All(db.Matches(month, documents), m => Assert.True(m.Value));
        }

        AssertRunsInSequence(db, first.RunId, second.RunId);
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
    }

    [SkippableFact]
    public async Task The_expired_lease_of_a_crashed_run_is_taken_over_but_a_live_one_is_not()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_expired", trusts: 5);
        DateTime aug = SyntheticBackfill.Months[0];
        var crashed = Guid.NewGuid();
        db.Scalar($"""
            CREATE TABLE community_backfill_lease (name text PRIMARY KEY, run_id uuid NOT NULL, holder text NOT NULL, acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
            INSERT INTO community_backfill_lease VALUES ('{LeaseName}', '{crashed}', 'a run that crashed', now() - interval '1 hour', now() + interval '1 hour')
            """);
        var options = new TrustMetricsWriteOptions { LockTimeout = TimeSpan.FromMilliseconds(300) };
        string before = db.RowVersions();

        // Still live: refused, nothing written.
        BackfillLockedException busy = await Assert.ThrowsAsync<BackfillLockedException>(() => db.WriteAsync(options, (aug, db.Documents(aug))));
        Assert.Contains($"(run {crashed}, started ", busy.Message, StringComparison.Ordinal);
        Assert.Contains(" by a run that crashed) is running on ", busy.Message, StringComparison.Ordinal);
        Assert.Contains("its lease expires by itself at ", busy.Message, StringComparison.Ordinal);
        Assert.Equal(before, db.RowVersions());

        // Expired: taken over, the run completes and gives the lease back.
        db.Scalar("UPDATE community_backfill_lease SET expires_at = now() - interval '1 minute'");
        List<MonthWriteOutcome> outcome = await db.WriteAsync(options, (aug, db.Documents(aug)));
        Assert.Equal(db.Trusts.Count, outcome[0].Count(TrustMetricsWriteStatus.Updated));
        Assert.All(db.Matches(aug, db.Documents(aug)), m => Assert.True(m.Value));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_run_whose_lease_was_taken_over_or_removed_writes_nothing_more(bool takenOver)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_lost", trusts: 8);
        DateTime aug = SyntheticBackfill.Months[0], sep = SyntheticBackfill.Months[1], oct = SyntheticBackfill.Months[2];
        var options = new TrustMetricsWriteOptions();
        var thief = Guid.NewGuid();
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);

        await using (var writer = new TrustMetricsWriter(target, options))
        {
            await writer.PrepareAsync(CancellationToken.None);
            Assert.Null((await writer.WriteMonthAsync(aug, db.Documents(aug), CancellationToken.None)).Failure);

            db.Scalar(takenOver
                ? $"UPDATE community_backfill_lease SET run_id = '{thief}', holder = 'the other run', acquired_at = now()"
                : "DELETE FROM community_backfill_lease");
            string september = db.MonthState(sep), october = db.MonthState(oct);

            MonthWriteOutcome lost = await writer.WriteMonthAsync(sep, db.Documents(sep), CancellationToken.None);
            Assert.True(lost.Failure is BackfillLockedException, lost.Failure?.ToString());
            Assert.StartsWith($"Backfill run {options.RunId} no longer holds its lease on postgres@127.0.0.1:", lost.Failure!.Message, StringComparison.Ordinal);
            Assert.Contains(takenOver ? $"(another backfill, run {thief}, started " : "(the lease row was removed)", lost.Failure.Message, StringComparison.Ordinal);
            Assert.Contains("nothing of 2024-09 was written", lost.Failure.Message, StringComparison.Ordinal);
            Assert.All(lost.Results, r => Assert.Equal(TrustMetricsWriteStatus.Failed, r.Status));
            Assert.Equal(1, lost.Attempts);
            Assert.Equal(september, db.MonthState(sep));

            // The next month is refused without going to the database at all.
            MonthWriteOutcome next = await writer.WriteMonthAsync(oct, db.Documents(oct), CancellationToken.None);
            Assert.True(next.Failure is BackfillLockedException, next.Failure?.ToString());
            Assert.Contains(takenOver ? $"(another backfill, run {thief}, started " : "(the lease row was removed)", next.Failure!.Message, StringComparison.Ordinal);
            Assert.Equal(0, next.RoundTrips);
            Assert.Equal(october, db.MonthState(oct));
            Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_data_history WHERE period <> '2024-08-01'"));
        }

        // Releasing never removes another run's lease.
        Assert.Equal(takenOver ? thief.ToString() : "", db.Scalar("SELECT run_id FROM community_backfill_lease"));
    }

    [SkippableFact]
    public async Task Restore_waits_for_the_running_backfill_and_restores_nothing_until_it_has_finished()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_restore", trusts: 4);
        DateTime aug = SyntheticBackfill.Months[0];
        string before = db.WholeTable();
        var run = new TrustMetricsWriteOptions();
        await db.WriteAsync(run, (aug, db.Documents(aug)));
        string written = db.WholeTable();
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);

        await using (var other = new TrustMetricsWriter(target, new TrustMetricsWriteOptions()))
        {
            await other.PrepareAsync(CancellationToken.None);
            var restorer = new TrustMetricsRestorer(target) { LockTimeout = TimeSpan.FromMilliseconds(300) };
            BackfillLockedException busy = await Assert.ThrowsAsync<BackfillLockedException>(() => restorer.RestoreAsync(run.RunId, CancellationToken.None));
            Assert.StartsWith($"Another backfill (run {other.RunId}, started ", busy.Message, StringComparison.Ordinal);
            Assert.Contains($"Run {run.RunId} was not restored", busy.Message, StringComparison.Ordinal);
            Assert.Equal(written, db.WholeTable());
        }

        IReadOnlyList<TrustMetricsRestoreResult> restored = await new TrustMetricsRestorer(target).RestoreAsync(run.RunId, CancellationToken.None);
        Assert.Equal(db.Trusts.Count, restored.Count);
        Assert.Equal(before, db.WholeTable());
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
    }

    [SkippableFact]
    public async Task A_run_stopped_mid_month_writes_nothing_of_it_and_gives_the_lease_back()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("lease_cancelled", trusts: 10);
        DateTime aug = SyntheticBackfill.Months[0];
        string august = db.MonthState(aug);
        var options = new TrustMetricsWriteOptions();
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        using var stop = new CancellationTokenSource();

        using (NpgsqlConnection holder = db.Open())
        using (NpgsqlTransaction hold = holder.BeginTransaction())
        {
            using (var lockRow = new NpgsqlCommand("SELECT 1 FROM trust_metrics WHERE trust_code = 'R03' AND period = '2024-08-01' FOR UPDATE", holder, hold))
            {
                lockRow.ExecuteNonQuery();
            }

            Task run = Task.Run(async () =>
            {
                await using var writer = new TrustMetricsWriter(target, options);
                await writer.PrepareAsync(CancellationToken.None);
                await writer.WriteMonthAsync(aug, db.Documents(aug), stop.Token);
            });
            Assert.True(WaitUntil(db, WaitingBackends(1)), "the run never reached the held row");
            Assert.Equal(options.RunId.ToString(), db.Scalar("SELECT run_id FROM community_backfill_lease"));

            // What Ctrl+C does to the cmdlets: cancel the month in flight; disposing the writer then releases the lease.
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            hold.Rollback();
        }

        Assert.Equal(august, db.MonthState(aug));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
        List<MonthWriteOutcome> next = await db.WriteAsync(new TrustMetricsWriteOptions { LockTimeout = TimeSpan.Zero }, (aug, db.Documents(aug)));
        Assert.Equal(db.Trusts.Count, next[0].Count(TrustMetricsWriteStatus.Updated));
    }

    /// <summary>
    /// Each run's history versions (one per row it changed, numbered and timed as its months' transactions
    /// wrote them) form a block: all of the first run's precede all of the second's.
    /// </summary>
    internal static void AssertRunsInSequence(SyntheticBackfill db, Guid first, Guid second)
    {
        string inSequence = db.Scalar($"""
            SELECT a.hi < b.lo AND a.last < b.first
            FROM (SELECT max(id) hi, max(valid_from) last FROM community_data_history WHERE run_id = '{first}' AND kind = 'Write') a,
                 (SELECT min(id) lo, min(valid_from) first FROM community_data_history WHERE run_id = '{second}' AND kind = 'Write') b
            """);
        Assert.True(inSequence == "True", $"runs {first} and {second} interleaved: {RunSummary(db)}");
    }

    internal static string RunSummary(SyntheticBackfill db) => db.Scalar("""
        SELECT string_agg(format('%s: ids %s-%s', run_id, lo, hi), '; ') FROM (
            SELECT run_id, min(id) lo, max(id) hi FROM community_data_history WHERE kind = 'Write' GROUP BY run_id) r
        """);

    /// <summary>A condition on the module's backends, true when <paramref name="count"/> of them wait on a lock.</summary>
    internal static string WaitingBackends(int count) => string.Create(CultureInfo.InvariantCulture, $"""
        SELECT count(*) = {count} FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'NhsCommunity' AND wait_event_type = 'Lock'
        """);

    internal static bool WaitUntil(SyntheticBackfill db, string condition)
    {
        for (int i = 0; i < 600; i++)
        {
            if (db.Scalar(condition) == "True")
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }
}
