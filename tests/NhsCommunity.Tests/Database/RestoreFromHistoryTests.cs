using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Queries;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// Restore-TrustMetrics works from community_data_history alone: each trust-month a run wrote gets back the version
/// just before the run's first write of it (document and updated_at exactly, or no row), and the restore's own
/// versions let -AsOf answer as the table stood before and after it. Expected values are written out, or read with
/// SQL before the run that changes them, never taken from the restorer.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class RestoreFromHistoryTests
{
    private static readonly DateTime August = SyntheticBackfill.Months[0];

    [SkippableFact]
    public async Task A_restore_puts_back_the_version_before_the_run_exactly_removes_the_rows_it_inserted_and_a_second_restore_does_nothing()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("history_restore", trusts: 3);

        // Before the module ever wrote: R01 and R03 hold documents of their own, R02 none; each its own updated_at.
        db.Scalar("""
            UPDATE trust_metrics SET community_data = '{"kept": 1}', updated_at = '2021-03-04 05:06:07.891234+00' WHERE trust_code = 'R01' AND period = '2024-08-01';
            UPDATE trust_metrics SET community_data = NULL, updated_at = '2022-11-12 13:14:15.161718+00' WHERE trust_code = 'R02' AND period = '2024-08-01';
            UPDATE trust_metrics SET community_data = '{"kept": 3}', updated_at = NULL WHERE trust_code = 'R03' AND period = '2024-08-01';
            """);
        string otherMonths = db.Scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE period <> '2024-08-01'");

        // Run A writes every trust and inserts R90; run B then changes R01 only.
        var a = new TrustMetricsWriteOptions { AddMissingRows = true };
        var b = new TrustMetricsWriteOptions();
        await db.WriteAsync(a, (August, db.Documents(August, extraTrusts: 1)));
        string afterA = AugustRows(db);
        await db.WriteAsync(b, (August, [SyntheticBackfill.Document("R01", August, 901)]));
        Assert.NotEqual(afterA, AugustRows(db));

        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        IReadOnlyList<TrustMetricsRestoreResult> restoredB = await new TrustMetricsRestorer(target).RestoreAsync(b.RunId, CancellationToken.None);

        Assert.Equal([("R01", "2024-08", "monthly", "community_data", "Restored", b.RunId)], restoredB.Select(Describe));
        Assert.Equal(afterA, AugustRows(db));

        // Now run A, the earlier run, goes through: the values from before the module, exactly, and R90 gone.
        IReadOnlyList<TrustMetricsRestoreResult> restoredA = await new TrustMetricsRestorer(target).RestoreAsync(a.RunId, CancellationToken.None);

        Assert.Equal(
            [("R01", "Restored"), ("R02", "Restored"), ("R03", "Restored"), ("R90", "Removed")],
            restoredA.Select(r => (r.TrustCode, r.Status)));
        Assert.All(restoredA, r => Assert.Equal(a.RunId, r.RunId));
        Assert.Equal(
            """
            R01 {"kept": 1} 2021-03-04 05:06:07.891234
            R02 NULL 2022-11-12 13:14:15.161718
            R03 {"kept": 3} NULL
            """,
            AugustRows(db));
        Assert.Equal(otherMonths, db.Scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE period <> '2024-08-01'"));

        // Every change is a version, and the versions of a trust-month meet: one current version each.
        Assert.Equal($"Before -, Write {a.RunId}, Write {b.RunId}, Restore {b.RunId}, Restore {a.RunId}", Versions(db, "R01"));
        Assert.Equal($"Before - false, Write {a.RunId} true, Restore {a.RunId} false", Versions(db, "R90", hadRow: true));
        Assert.Equal("0", db.Scalar("""
            SELECT count(*) FROM (
                SELECT valid_to, lead(valid_from) OVER (PARTITION BY trust_code, period, data_type, column_name ORDER BY valid_from, valid_to, id) AS next_from
                FROM community_data_history) v
            WHERE v.valid_to <> coalesce(v.next_from, 'infinity')
            """));

        // A second restore of either run finds its Restore versions and does nothing.
        string table = db.RowVersions(), versions = db.Scalar("SELECT count(*) FROM community_data_history");
        foreach (Guid run in new[] { a.RunId, b.RunId })
        {
            KeyNotFoundException again = await Assert.ThrowsAsync<KeyNotFoundException>(() => new TrustMetricsRestorer(target).RestoreAsync(run, CancellationToken.None));
            Assert.Contains($"holds nothing to restore for run {run}:", again.Message, StringComparison.Ordinal);
            Assert.EndsWith("or it was restored already.", again.Message, StringComparison.Ordinal);
        }

        Assert.Equal(table, db.RowVersions());
        Assert.Equal(versions, db.Scalar("SELECT count(*) FROM community_data_history"));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_backfill_lease"));
    }

    [SkippableFact]
    public async Task A_restore_after_a_later_run_changed_a_row_is_refused_naming_it_and_force_puts_back_the_earlier_values_anyway()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("history_force", trusts: 3);
        db.Scalar("UPDATE trust_metrics SET updated_at = '2023-01-02 03:04:05.060708+00' WHERE period = '2024-08-01'");
        var a = new TrustMetricsWriteOptions();
        var b = new TrustMetricsWriteOptions();
        await db.WriteAsync(a, (August, db.Documents(August)));
        await db.WriteAsync(b, (August, [SyntheticBackfill.Document("R02", August, 902)]));
        string afterB = db.RowVersions();
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);

        RestoreConflictException refused = await Assert.ThrowsAsync<RestoreConflictException>(() => new TrustMetricsRestorer(target).RestoreAsync(a.RunId, CancellationToken.None));

        LaterRun later = Assert.Single(refused.LaterRuns);
        Assert.Equal(b.RunId, later.RunId);
        Assert.Equal(["R02 2024-08"], later.Rows);
        Assert.Equal(db.Scalar($"SELECT to_char(min(valid_from) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM community_data_history WHERE run_id = '{b.RunId}'"),
            later.SavedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Contains($"Run {b.RunId} (saved ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(" UTC) changed 1 of its row(s): R02 2024-08. Nothing was restored.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(afterB, db.RowVersions());
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM community_data_history WHERE kind = 'Restore'"));

        IReadOnlyList<TrustMetricsRestoreResult> forced = await new TrustMetricsRestorer(target) { Force = true }.RestoreAsync(a.RunId, CancellationToken.None);

        Assert.Equal(["R01", "R02", "R03"], forced.Select(r => r.TrustCode));
        Assert.Equal(
            """
            R01 NULL 2023-01-02 03:04:05.060708
            R02 NULL 2023-01-02 03:04:05.060708
            R03 NULL 2023-01-02 03:04:05.060708
            """,
            AugustRows(db));
        Assert.Equal($"Before -, Write {a.RunId}, Write {b.RunId}, Restore {a.RunId}", Versions(db, "R02"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => new TrustMetricsRestorer(target) { Force = true }.RestoreAsync(a.RunId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_row_another_loader_changed_between_runs_is_put_back_as_that_loader_left_it()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("history_outside", trusts: 2);
        var a = new TrustMetricsWriteOptions();
        var b = new TrustMetricsWriteOptions();
        await db.WriteAsync(a, (August, db.Documents(August)));
        string documentA = db.Scalar("SELECT community_data::text FROM trust_metrics WHERE trust_code = 'R01' AND period = '2024-08-01'");

        // After run A, another loader stamps R01's row (an RTT load) and someone edits R02's document by hand.
        db.Scalar("""
            UPDATE trust_metrics SET updated_at = '2025-05-06 07:08:09.101112+00' WHERE trust_code = 'R01' AND period = '2024-08-01';
            UPDATE trust_metrics SET community_data = '{"hand": 2}', updated_at = '2025-06-07 08:09:10.111213+00' WHERE trust_code = 'R02' AND period = '2024-08-01';
            """);
        await db.WriteAsync(b, (August, [SyntheticBackfill.Document("R01", August, 901), SyntheticBackfill.Document("R02", August, 902)]));
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);

        await new TrustMetricsRestorer(target).RestoreAsync(b.RunId, CancellationToken.None);

        Assert.Equal(
            $$"""
            R01 {{documentA}} 2025-05-06 07:08:09.101112
            R02 {"hand": 2} 2025-06-07 08:09:10.111213
            """,
            AugustRows(db));
        Assert.Equal($"Before -, Write {a.RunId}, Before -, Write {b.RunId}, Restore {b.RunId}", Versions(db, "R02"));

        // The row as the other loader left it is a version of no length: -AsOf never answers from it.
        Assert.Equal("2", db.Scalar("SELECT count(*) FROM community_data_history WHERE kind = 'Before' AND valid_from = valid_to"));
    }

    [SkippableFact]
    public void As_of_a_moment_before_a_restore_the_run_s_values_answer_and_from_the_restore_on_the_values_it_put_back()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("history_asof", trusts: 2);
        var a = new TrustMetricsWriteOptions { AddMissingRows = true };
        var b = new TrustMetricsWriteOptions();

        // Audiology totals (seed x 7): run A R01 700, R02 1400, R90 2100 (inserted); run B R01 6307.
        db.WriteAsync(a, (August, db.Documents(August, extraTrusts: 1))).GetAwaiter().GetResult();
        db.WriteAsync(b, (August, [SyntheticBackfill.Document("R01", August, 901)])).GetAwaiter().GetResult();
        using var session = new PowerShellSession();
        var vars = new Dictionary<string, object?> { ["cs"] = db.ConnectionString };

        Assert.Empty(session.Run("Restore-TrustMetrics -RunId $run -ConnectionString $cs -Confirm:$false", new Dictionary<string, object?>(vars) { ["run"] = b.RunId }).Errors);
        DateTimeOffset restoredB = RestoredAt(db, b.RunId);
        Assert.Empty(session.Run("Restore-TrustMetrics -RunId $run -ConnectionString $cs -Confirm:$false", new Dictionary<string, object?>(vars) { ["run"] = a.RunId }).Errors);
        DateTimeOffset restoredA = RestoredAt(db, a.RunId);

        Assert.Equal(["R01 6307", "R02 1400", "R90 2100"], Totals(session, vars, restoredB.AddTicks(-10)));
        Assert.Equal(["R01 700", "R02 1400", "R90 2100"], Totals(session, vars, restoredB));
        Assert.Equal(["R01 700", "R02 1400", "R90 2100"], Totals(session, vars, restoredA.AddTicks(-10)));
        Assert.Empty(Totals(session, vars, restoredA));
        Assert.Empty(Totals(session, vars, null));
    }

    [SkippableFact]
    public async Task The_writer_keeps_no_backup_table_and_leaves_one_an_earlier_version_made_as_it_was()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("history_no_backups", trusts: 2);
        await db.WriteAsync(new TrustMetricsWriteOptions(), (August, db.Documents(August)));
        Assert.Equal("False", db.Scalar("SELECT to_regclass('community_data_backups') IS NOT NULL"));

        // A database an earlier version wrote to: its backup table and rows stay exactly as they are.
        db.Scalar("""
            CREATE TABLE community_data_backups (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id uuid NOT NULL, trust_code varchar(3) NOT NULL,
                period date NOT NULL, data_type varchar(20) NOT NULL, column_name text NOT NULL, previous jsonb, previous_updated_at timestamptz,
                had_row boolean NOT NULL, saved_at timestamptz NOT NULL DEFAULT now(), restored_at timestamptz);
            INSERT INTO community_data_backups (run_id, trust_code, period, data_type, column_name, previous, previous_updated_at, had_row, saved_at)
            VALUES ('00000000-0000-0000-0000-000000000001', 'R01', '2024-08-01', 'monthly', 'community_data', '{"old": true}', '2020-01-01 00:00:00+00', true, '2020-01-02 00:00:00+00');
            """);
        string legacy = db.Scalar("SELECT string_agg(b::text, E'\\n' ORDER BY id) FROM community_data_backups b");
        string before = AugustRows(db);
        var run = new TrustMetricsWriteOptions();
        await db.WriteAsync(run, (August, db.Documents(August, variant: 1)));
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        await new TrustMetricsRestorer(target).RestoreAsync(run.RunId, CancellationToken.None);

        Assert.Equal(before, AugustRows(db));
        Assert.Equal(legacy, db.Scalar("SELECT string_agg(b::text, E'\\n' ORDER BY id) FROM community_data_backups b"));
    }

    /// <summary>August's rows as "trust document updated_at" (UTC, to the microsecond), one a line.</summary>
    private static string AugustRows(SyntheticBackfill db) => db.Scalar("""
        SELECT string_agg(trust_code || ' ' || coalesce(community_data::text, 'NULL') || ' '
                          || coalesce(to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), 'NULL'), E'\n' ORDER BY trust_code)
        FROM trust_metrics WHERE period = '2024-08-01'
        """);

    /// <summary>The versions of a trust's August, oldest first: "kind run" (and whether it had a row).</summary>
    private static string Versions(SyntheticBackfill db, string trust, bool hadRow = false) => db.Scalar($"""
        SELECT string_agg(kind || ' ' || coalesce(run_id::text, '-') || CASE WHEN {hadRow} THEN ' ' || had_row::text ELSE '' END, ', ' ORDER BY valid_from, valid_to, id)
        FROM community_data_history WHERE trust_code = '{trust}' AND period = '2024-08-01'
        """);

    private static DateTimeOffset RestoredAt(SyntheticBackfill db, Guid run)
    {
        string at = db.Scalar($"SELECT to_char(min(valid_from) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM community_data_history WHERE kind = 'Restore' AND run_id = '{run}'");
        return DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>August's audiology totals by trust from Get-CommunityWaitingList, as of a moment or now.</summary>
    private static List<string> Totals(PowerShellSession session, Dictionary<string, object?> vars, DateTimeOffset? asOf) =>
        session.Invoke("Get-CommunityWaitingList -Period 2024-08 -ConnectionString $cs" + (asOf is null ? "" : " -AsOf $asOf"), new Dictionary<string, object?>(vars) { ["asOf"] = asOf })
            .Select(o => (WaitingListRow)o.BaseObject)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.TrustCode} {r.TotalWaiting}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static (string, string, string, string, string, Guid) Describe(TrustMetricsRestoreResult r) =>
        (r.TrustCode, r.Period.ToString("yyyy-MM", CultureInfo.InvariantCulture), r.DataType, r.Column, r.Status, r.RunId);
}
