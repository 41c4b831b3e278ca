using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>The write path in the core, against a real PostgreSQL with synthetic rows (no shared data needed).</summary>
[Trait("Category", "Database")]
public class TrustMetricsWriterTests
{
    [SkippableFact]
    public async Task Writes_each_month_in_one_round_trip_changes_only_community_data_and_a_rerun_writes_nothing()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_basic");
        DateTime aug = SyntheticBackfill.Months[0], sep = SyntheticBackfill.Months[1], oct = SyntheticBackfill.Months[2];
        List<CommunityDocument> augDocs = db.Documents(aug, extraTrusts: 2), sepDocs = db.Documents(sep);
        string untouched = db.UntouchedColumns();
        string october = db.MonthState(oct);

        List<MonthWriteOutcome> first = await db.WriteAsync(new TrustMetricsWriteOptions(), (aug, augDocs), (sep, sepDocs));

        Assert.All(first, o => Assert.Null(o.Failure));
        Assert.All(first, o => Assert.Equal(1, o.RoundTrips));
        Assert.Equal(db.Trusts.Count, first[0].Count(TrustMetricsWriteStatus.Updated));
        Assert.Equal(["R90", "R91"], first[0].Results.Where(r => r.Status == TrustMetricsWriteStatus.NotInDatabase).Select(r => r.TrustCode));
        Assert.Equal(db.Trusts.Count, first[1].Count(TrustMetricsWriteStatus.Updated));
        Assert.All(db.Matches(aug, augDocs).Where(m => m.Key is not ("R90" or "R91")), m => Assert.True(m.Value));
        Assert.All(db.Matches(sep, sepDocs), m => Assert.True(m.Value));
        Assert.Equal(untouched, db.UntouchedColumns());
        Assert.Equal(october, db.MonthState(oct));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM trust_metrics WHERE trust_code IN ('R90', 'R91')"));

        string augAfter = db.MonthState(aug), sepAfter = db.MonthState(sep);
        string versions = db.Scalar("SELECT count(*) FROM community_data_history");
        List<MonthWriteOutcome> second = await db.WriteAsync(new TrustMetricsWriteOptions(), (aug, augDocs), (sep, sepDocs));

        Assert.All(second, o => Assert.Equal(1, o.RoundTrips));
        Assert.All(second.SelectMany(o => o.Results).Where(r => r.TrustCode is not ("R90" or "R91")), r => Assert.Equal(TrustMetricsWriteStatus.Unchanged, r.Status));
        Assert.Equal(augAfter, db.MonthState(aug));
        Assert.Equal(sepAfter, db.MonthState(sep));
        Assert.Equal(versions, db.Scalar("SELECT count(*) FROM community_data_history"));
    }

    [SkippableFact]
    public async Task Restore_puts_the_table_back_exactly_including_nulls_replaced_values_and_inserted_rows()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_restore");
        DateTime aug = SyntheticBackfill.Months[0], sep = SyntheticBackfill.Months[1];
        await db.WriteAsync(new TrustMetricsWriteOptions(), (aug, db.Documents(aug)));
        string before = db.WholeTable();

        // A second run replaces August (values differ), fills September (NULL before) and inserts rows.
        var run = new TrustMetricsWriteOptions { AddMissingRows = true };
        List<MonthWriteOutcome> outcomes = await db.WriteAsync(run, (aug, db.Documents(aug, variant: 1, extraTrusts: 1)), (sep, db.Documents(sep, extraTrusts: 1)));
        Assert.Equal(TrustMetricsWriteStatus.Inserted, outcomes[0].Results.Single(r => r.TrustCode == "R90").Status);
        Assert.Equal(db.Trusts.Count, outcomes[0].Count(TrustMetricsWriteStatus.Updated));
        Assert.NotEqual(before, db.WholeTable());

        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        IReadOnlyList<TrustMetricsRestoreResult> restored = await new TrustMetricsRestorer(target).RestoreAsync(run.RunId, CancellationToken.None);

        Assert.Equal(before, db.WholeTable());
        Assert.Equal(2 * db.Trusts.Count, restored.Count(r => r.Status == "Restored"));
        Assert.Equal(2, restored.Count(r => r.Status == "Removed"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => new TrustMetricsRestorer(target).RestoreAsync(run.RunId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Missing_rows_are_inserted_only_when_asked_with_the_icb_of_the_trusts_other_rows()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_missing", trusts: 3);
        var month = new DateTime(2024, 11, 1);
        List<CommunityDocument> documents = db.Documents(month, extraTrusts: 1);

        List<MonthWriteOutcome> reported = await db.WriteAsync(new TrustMetricsWriteOptions(), (month, documents));
        Assert.All(reported[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.NotInDatabase, r.Status));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM trust_metrics WHERE period = '2024-11-01'"));

        List<MonthWriteOutcome> inserted = await db.WriteAsync(new TrustMetricsWriteOptions { AddMissingRows = true }, (month, documents));
        Assert.All(inserted[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.Inserted, r.Status));
        Assert.Equal(
            db.Scalar("SELECT icb_code || '|' || icb_name FROM trust_metrics WHERE trust_code = 'R01' AND period = '2024-10-01'"),
            db.Scalar("SELECT icb_code || '|' || icb_name FROM trust_metrics WHERE trust_code = 'R01' AND period = '2024-11-01'"));
        Assert.Equal("NAME OF R90|", db.Scalar("SELECT trust_name || '|' || coalesce(icb_code, '') FROM trust_metrics WHERE trust_code = 'R90'"));
        Assert.All(db.Matches(month, documents), m => Assert.True(m.Value));
    }

    [SkippableFact]
    public async Task A_run_starting_up_holds_up_only_other_start_ups_never_a_running_months_write()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_locked", trusts: 5);
        DateTime aug = SyntheticBackfill.Months[0], sep = SyntheticBackfill.Months[1];
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        var options = new TrustMetricsWriteOptions { LockTimeout = TimeSpan.FromMilliseconds(300) };
        await using (var running = new TrustMetricsWriter(target, options))
        {
            await running.PrepareAsync(CancellationToken.None);

            // Another run in the middle of its start-up transaction holds the start-up lock.
            using NpgsqlConnection other = db.Open();
            using NpgsqlTransaction otherStartUp = other.BeginTransaction();
            using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(" + 0x4E485343 + ")", other, otherStartUp))
            {
                take.ExecuteNonQuery();
            }

            // The run that holds the lease writes on: months take no advisory lock.
            MonthWriteOutcome outcome = await running.WriteMonthAsync(aug, db.Documents(aug), CancellationToken.None);
            Assert.Null(outcome.Failure);
            Assert.Equal(db.Trusts.Count, outcome.Count(TrustMetricsWriteStatus.Updated));

            // A run starting now cannot get past the start-up: refused clearly, nothing written.
            string september = db.MonthState(sep);
            await using var starting = new TrustMetricsWriter(target, options with { RunId = Guid.NewGuid() });
            BackfillLockedException refused = await Assert.ThrowsAsync<BackfillLockedException>(() => starting.PrepareAsync(CancellationToken.None));
            Assert.StartsWith("Another backfill ", refused.Message, StringComparison.Ordinal);
            Assert.Contains(" is running on postgres@127.0.0.1:", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing of this run was written", refused.Message, StringComparison.Ordinal);
            Assert.Equal(september, db.MonthState(sep));
        }

        List<MonthWriteOutcome> after = await db.WriteAsync(new TrustMetricsWriteOptions(), (sep, db.Documents(sep)));
        Assert.All(after[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.Updated, r.Status));
    }

    [SkippableFact]
    public async Task Two_backfills_at_once_run_one_after_the_other_and_never_interleave()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_concurrent", trusts: 40);
        DateTime[] months = SyntheticBackfill.Months;

        for (int round = 0; round < 3; round++)
        {
            // New values every round, so both runs change every row and leave history versions to order them by.
            (DateTime, List<CommunityDocument>)[] a = months.Select(m => (m, db.Documents(m, variant: (10 * round) + 1))).ToArray();
            (DateTime, List<CommunityDocument>)[] b = months.Select(m => (m, db.Documents(m, variant: (10 * round) + 2))).ToArray();
            var optionsA = new TrustMetricsWriteOptions();
            var optionsB = new TrustMetricsWriteOptions();
            Task<List<MonthWriteOutcome>> first = Task.Run(() => db.WriteAsync(optionsA, a));
            Task<List<MonthWriteOutcome>> second = Task.Run(() => db.WriteAsync(optionsB, b.Reverse().ToArray()));
            await Task.WhenAll(first, second);
            Assert.All(first.Result.Concat(second.Result), o => Assert.Null(o.Failure));
            Assert.All(first.Result.Concat(second.Result), o => Assert.Equal(1, o.RoundTrips));

            bool aFirst = db.Scalar($"SELECT (SELECT min(id) FROM community_data_history WHERE run_id = '{optionsA.RunId}') < (SELECT min(id) FROM community_data_history WHERE run_id = '{optionsB.RunId}')") == "True";
            BackfillLeaseTests.AssertRunsInSequence(db, aFirst ? optionsA.RunId : optionsB.RunId, aFirst ? optionsB.RunId : optionsA.RunId);
            (DateTime, List<CommunityDocument>)[] last = aFirst ? b : a;
            foreach ((DateTime month, List<CommunityDocument> documents) in last)
            {
                Assert.True(db.Matches(month, documents).Values.All(v => v == true), $"{month:yyyy-MM} does not hold the later run's documents");
            }

            Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
        }
    }

    [SkippableFact]
    public async Task A_connection_killed_mid_month_leaves_it_entirely_old_and_a_rerun_completes_it()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_killed", trusts: 30);
        DateTime aug = SyntheticBackfill.Months[0];
        List<CommunityDocument> documents = db.Documents(aug);
        string old = db.MonthState(aug);

        // Hold one row of the month so the write is in flight (waiting) when its connection is killed.
        using (NpgsqlConnection holder = db.Open())
        using (NpgsqlTransaction hold = holder.BeginTransaction())
        {
            using (var lockRow = new NpgsqlCommand("SELECT 1 FROM trust_metrics WHERE trust_code = 'R17' AND period = '2024-08-01' FOR UPDATE", holder, hold))
            {
                lockRow.ExecuteNonQuery();
            }

            Task<List<MonthWriteOutcome>> write = Task.Run(() => db.WriteAsync(new TrustMetricsWriteOptions { MaxAttempts = 1 }, (aug, documents)));
            Assert.True(KillWriterWhenWaiting(db), "the write never reached the row lock");
            List<MonthWriteOutcome> outcome = await write;

            Assert.NotNull(outcome[0].Failure);
            Assert.All(outcome[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.Failed, r.Status));
            Assert.Contains("run again", outcome[0].Results[0].Reason, StringComparison.Ordinal);
            hold.Rollback();
        }

        Assert.Equal(old, db.MonthState(aug));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_data_history"));

        List<MonthWriteOutcome> rerun = await db.WriteAsync(new TrustMetricsWriteOptions(), (aug, documents));
        Assert.All(rerun[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.Updated, r.Status));
        Assert.All(db.Matches(aug, documents), m => Assert.True(m.Value));
    }

    [SkippableFact]
    public async Task A_connection_killed_mid_month_is_retried_and_the_month_lands_whole()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_retried", trusts: 30);
        DateTime aug = SyntheticBackfill.Months[0];
        List<CommunityDocument> documents = db.Documents(aug);
        string old = db.MonthState(aug);
        Task<List<MonthWriteOutcome>> write;

        using (NpgsqlConnection holder = db.Open())
        using (NpgsqlTransaction hold = holder.BeginTransaction())
        {
            using (var lockRow = new NpgsqlCommand("SELECT 1 FROM trust_metrics WHERE trust_code = 'R17' AND period = '2024-08-01' FOR UPDATE", holder, hold))
            {
                lockRow.ExecuteNonQuery();
            }

            write = Task.Run(() => db.WriteAsync(new TrustMetricsWriteOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(50) }, (aug, documents)));
            Assert.True(KillWriterWhenWaiting(db), "the write never reached the row lock");

            // The retry waits on the same row: the month is still entirely old while it does.
            Assert.True(WaitForWaitingWriter(db), "the retry never reached the row lock");
            Assert.Equal(old, db.MonthState(aug));
            hold.Rollback();
        }

        List<MonthWriteOutcome> outcome = await write;
        Assert.Null(outcome[0].Failure);
        Assert.Equal(2, outcome[0].Attempts);
        Assert.All(outcome[0].Results, r => Assert.Equal(TrustMetricsWriteStatus.Updated, r.Status));
        Assert.All(db.Matches(aug, documents), m => Assert.True(m.Value));
        Assert.Equal(documents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), db.Scalar("SELECT count(*) FROM community_data_history WHERE kind = 'Write'"));
    }

    [SkippableFact]
    public async Task Another_column_can_be_written_and_an_unknown_one_is_refused_before_any_month()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("writer_column", trusts: 4);
        DateTime aug = SyntheticBackfill.Months[0];
        using (NpgsqlConnection connection = db.Open())
        using (var add = new NpgsqlCommand("ALTER TABLE trust_metrics ADD COLUMN chs_data jsonb", connection))
        {
            add.ExecuteNonQuery();
        }

        List<MonthWriteOutcome> outcome = await db.WriteAsync(new TrustMetricsWriteOptions { Column = "chs_data" }, (aug, db.Documents(aug)));
        Assert.Equal(4, outcome[0].Count(TrustMetricsWriteStatus.Updated));
        Assert.Equal("4|0", db.Scalar("SELECT count(chs_data) || '|' || count(community_data) FROM trust_metrics"));

        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        await using var writer = new TrustMetricsWriter(target, new TrustMetricsWriteOptions { Column = "no_such_column" });
        TrustMetricsSchemaException e = await Assert.ThrowsAsync<TrustMetricsSchemaException>(() => writer.PrepareAsync(CancellationToken.None));
        Assert.Equal(TrustMetricsSchemaException.ColumnNotFound, e.Problem);
        Assert.Contains("no column 'no_such_column'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TrustMetricsWriter(target, new TrustMetricsWriteOptions { Column = "x; DROP TABLE trust_metrics" }));
    }

    /// <summary>Waits until the writer's backend waits on a lock, then terminates it.</summary>
    private static bool KillWriterWhenWaiting(SyntheticBackfill db) => PollWaitingWriter(db, terminate: true);

    private static bool WaitForWaitingWriter(SyntheticBackfill db) => PollWaitingWriter(db, terminate: false);

    private static bool PollWaitingWriter(SyntheticBackfill db, bool terminate)
    {
        string sql = $"""
            SELECT {(terminate ? "pg_terminate_backend(pid)" : "true")} FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'NhsCommunity' AND wait_event_type = 'Lock'
            """;
        for (int i = 0; i < 300; i++)
        {
            if (db.Scalar(sql) == "True")
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }
}
