using System.Globalization;
using System.Management.Automation;
using System.Security.Cryptography;
using Npgsql;
using NhsCommunity.Backfill;
using NhsCommunity.Catalogue;
using NhsCommunity.Database;
using NhsCommunity.Fixtures;
using NhsCommunity.Ledger;
using NhsCommunity.Queries;
using NhsCommunity.Tests.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Ledger;

/// <summary>
/// Monthly loads with the ledger and the history, through the cmdlets on a real PostgreSQL (and through PgBouncer
/// in transaction mode): twelve months, then a revised edition of March 2025, then an unchanged folder, then a
/// month the database refuses. Expected figures are the generator's cells, never what the module computed.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class LedgerTests
{
    private static readonly DateTime March = new(2025, 3, 1);
    private static readonly string[] Kinds = ["Before", "Write", "Write"];
    private const string RevisedName = "Community-health-services-waiting-lists-2024-25-March-revised.xlsx";

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_revised_edition_is_loaded_alone_kept_as_a_version_and_answered_as_of_any_moment(bool throughPgBouncer)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.If(throughPgBouncer && !PgBouncerProcess.IsInstalled, PgBouncerProcess.NotInstalledReason);
        using var folder = new LedgerFolder(throughPgBouncer ? "ledger_bouncer" : "ledger");
        using PgBouncerProcess? bouncer = throughPgBouncer ? PgBouncerProcess.Start(TestPostgres.Instance.Port) : null;
        string cs = bouncer?.ConnectionString(new NpgsqlConnectionStringBuilder(folder.ConnectionString).Database!) ?? folder.ConnectionString;
        using var session = new PowerShellSession();
        var vars = new Dictionary<string, object?> { ["dir"] = folder.Path, ["cs"] = cs };

        // 1. Twelve months: every file read and Loaded, with its hash and its Cover page's publication date.
        BackfillSummary first = Backfill(session, vars);
        Assert.Equal((12, 0, 12, 0), (first.FilesRead, first.FilesAlreadyLoaded, first.MonthsWritten, first.ExitCode));
        List<LoadRecord> firstRows = Loads(session, vars, $"-RunId {first.RunId}");
        Assert.Equal(12, firstRows.Count);
        foreach (SyntheticWorkbook workbook in folder.Workbooks.Values)
        {
            LoadRecord row = Assert.Single(firstRows, r => r.FileName == workbook.FileName);
            Assert.Equal(LoadOutcome.Loaded, row.Outcome);
            Assert.Equal(Sha256(Path.Combine(folder.Path, workbook.FileName)), row.Sha256);
            Assert.Equal(workbook.Spec.Published.Date, row.Published);
            Assert.Equal(Month.Of(workbook.Period), row.Period);
            Assert.Equal(Cells(workbook).Keys.Select(k => k.Split(' ')[0]).Distinct().Count(), row.TrustsUpdated);
            Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", row.LoadedBy);
        }

        // 2. The revised edition of March dropped beside the others: read alone, the other twelve skipped unread.
        SyntheticWorkbook original = folder.Workbooks[March];
        SyntheticWorkbook revised = folder.WriteRevision(March, RevisedName);
        BackfillSummary second = Backfill(session, vars);
        Assert.Equal((1, 12, 1, 0), (second.FilesRead, second.FilesAlreadyLoaded, second.MonthsWritten, second.ExitCode));
        List<LoadRecord> march = Loads(session, vars, "-Period 2025-03");
        Assert.Equal(
            [
                (first.RunId, original.FileName, LoadOutcome.Loaded, original.Spec.Published.Date),
                (second.RunId, original.FileName, LoadOutcome.AlreadyLoaded, original.Spec.Published.Date),
                (second.RunId, RevisedName, LoadOutcome.Loaded, revised.Spec.Revised!.Value.Date),
            ],
            march.Select(r => (r.RunId, r.FileName, r.Outcome, r.Published!.Value)).OrderBy(r => r.Item1 == first.RunId ? 0 : 1).ThenBy(r => r.FileName == RevisedName ? 1 : 0).ToList());

        // 3. As of a moment before the revision, March is the first edition's cells exactly; just after, the revision's.
        DateTimeOffset revisedAt = march.Single(r => r.FileName == RevisedName).LoadedAt;
        Dictionary<string, long> oldCells = Cells(original);
        Dictionary<string, long> newCells = Cells(revised);
        Assert.NotEqual(oldCells, newCells);
        Assert.Equal(oldCells, WaitingList(session, vars, revisedAt.AddMilliseconds(-1)));
        Assert.Equal(newCells, WaitingList(session, vars, revisedAt.AddMilliseconds(1)));
        Assert.Equal(newCells, WaitingList(session, vars, null));

        // As of before the first load, the table had no community data at all.
        Assert.Empty(WaitingList(session, vars, firstRows.Min(r => r.LoadedAt).AddMilliseconds(-1)));

        // 4. The history of a changed trust-month: the empty value before, the first edition, the revision,
        //    meeting exactly, and the revision's changes band by band as the two workbooks differ.
        string trust = oldCells.Keys.Select(k => k.Split(' ')[0]).First(t => Differences(oldCells, newCells, t).Count > 0);
        var versions = session.Invoke("Get-CommunityHistory -TrustCode $trust -Period 2025-03 -ConnectionString $cs",
            new Dictionary<string, object?>(vars) { ["trust"] = trust }).Select(o => (HistoryVersion)o.BaseObject).ToList();
        Assert.Equal(Kinds, versions.Select(v => v.Kind));
        Assert.Equal([null, first.RunId, second.RunId], versions.Select(v => v.RunId));
        Assert.Equal([null, original.FileName, RevisedName], versions.Select(v => v.SourceFile));
        Assert.Null(versions[0].Document);
        Assert.Null(versions[0].ValidFrom);
        Assert.Equal(versions[0].ValidTo, versions[1].ValidFrom);
        Assert.Equal(versions[1].ValidTo, versions[2].ValidFrom);
        Assert.Equal(revisedAt, versions[2].ValidFrom);
        Assert.Null(versions[2].ValidTo);
        Assert.Equal(
            Differences(oldCells, newCells, trust).Order(StringComparer.Ordinal),
            Describe(trust, versions[2].Changes));

        // 5. A run over the unchanged folder opens no workbook and writes only its ledger rows.
        string before = Snapshot(folder.ConnectionString);
        BackfillSummary third = Backfill(session, vars);
        Assert.Equal((0, 13, 0, 0, 0), (third.FilesRead, third.FilesAlreadyLoaded, third.MonthsWritten, third.TrustsUpdated + third.TrustsUnchanged, third.ExitCode));
        Assert.Equal(before, Snapshot(folder.ConnectionString));
        Assert.All(Loads(session, vars, $"-RunId {third.RunId}"), r => Assert.Equal(LoadOutcome.AlreadyLoaded, r.Outcome));
        Assert.Equal(13, Loads(session, vars, $"-Last 1").Count);

        // 6. A month the database refuses: a Failed ledger row with the reason, and no history row for it.
        Exec(folder.ConnectionString, """
            CREATE FUNCTION refuse_august() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'August is closed for maintenance'; END $$;
            CREATE TRIGGER refuse_august BEFORE UPDATE ON trust_metrics FOR EACH ROW WHEN (NEW.period = DATE '2025-08-01') EXECUTE FUNCTION refuse_august();
            """);
        SyntheticWorkbook august = folder.WriteMonth(new DateTime(2025, 8, 1));
        BackfillSummary fourth = Backfill(session, vars);
        Assert.Equal((1, 13, 1, 1), (fourth.FilesRead, fourth.FilesAlreadyLoaded, fourth.MonthsFailed, fourth.ExitCode));
        LoadRecord failed = Assert.Single(Loads(session, vars, "-Failed"));
        Assert.Equal((august.FileName, LoadOutcome.Failed, Month.Of(august.Period), fourth.RunId), (failed.FileName, failed.Outcome, failed.Period!.Value, failed.RunId));
        Assert.Contains("August is closed for maintenance", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("0", Scalar(folder.ConnectionString, "SELECT count(*) FROM community_data_history WHERE period = '2025-08-01'"));

        // 7. Undoing the revision puts the first edition back and records that as a version too: the table, the
        //    history and an as-of answer agree, and the change reads back band by band.
        session.Invoke("Restore-TrustMetrics -RunId $run -ConnectionString $cs -Confirm:$false", new Dictionary<string, object?>(vars) { ["run"] = second.RunId });
        Assert.Equal(oldCells, WaitingList(session, vars, null));
        Assert.Equal(newCells, WaitingList(session, vars, revisedAt.AddMilliseconds(1)));
        HistoryVersion restored = session.Invoke("Get-CommunityHistory -TrustCode $trust -Period 2025-03 -ConnectionString $cs",
            new Dictionary<string, object?>(vars) { ["trust"] = trust }).Select(o => (HistoryVersion)o.BaseObject).Last();
        Assert.Equal(("Restore", (Guid?)second.RunId), (restored.Kind, restored.RunId));
        Assert.Equal(
            Differences(newCells, oldCells, trust).Order(StringComparer.Ordinal),
            Describe(trust, restored.Changes));

        // 8. With the mart installed the current answer reads the mart, and -AsOf still reads the history: the same cells.
        session.Invoke("Install-CommunityMart -ConnectionString $cs -Confirm:$false", vars);
        Assert.Equal(oldCells, WaitingList(session, vars, null));
        Assert.Equal(oldCells, WaitingList(session, vars, revisedAt.AddMilliseconds(-1)));
        Assert.Equal(newCells, WaitingList(session, vars, revisedAt.AddMilliseconds(1)));
    }

    [SkippableFact]
    public void Two_runs_at_once_over_one_folder_load_each_file_once_and_record_every_file_of_each_run()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new LedgerFolder("ledger_concurrent");
        var vars = new Dictionary<string, object?> { ["dir"] = folder.Path, ["cs"] = folder.ConnectionString };
        var runs = Enumerable.Range(0, 2).AsParallel().WithDegreeOfParallelism(2).Select(_ =>
        {
            using var session = new PowerShellSession();
            return Backfill(session, vars);
        }).ToList();

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        using var session = new PowerShellSession();
        List<LoadRecord> rows = Loads(session, vars, "");
        foreach (BackfillSummary run in runs)
        {
            Assert.Equal(folder.Workbooks.Values.Select(w => w.FileName).Order(StringComparer.Ordinal), rows.Where(r => r.RunId == run.RunId).Select(r => r.FileName).Order(StringComparer.Ordinal));
        }

        // Whichever ran second found every month stored already (Unchanged), or every file loaded (AlreadyLoaded).
        foreach (var file in rows.GroupBy(r => r.FileName))
        {
            Assert.Equal(1, file.Count(r => r.Outcome == LoadOutcome.Loaded));
            Assert.Single(file, r => r.Outcome is LoadOutcome.Unchanged or LoadOutcome.AlreadyLoaded);
        }

        Assert.Equal("0", Scalar(folder.ConnectionString, """
            SELECT count(*) FROM (SELECT trust_code, period FROM community_data_history WHERE kind = 'Write'
                                  GROUP BY trust_code, period HAVING count(*) <> 1) AS twice
            """));
    }

    [SkippableFact]
    public void An_older_edition_dropped_in_after_the_revised_one_was_loaded_is_superseded_and_written_only_with_force()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new LedgerFolder("ledger_older");
        using var session = new PowerShellSession();
        var vars = new Dictionary<string, object?> { ["dir"] = folder.Path, ["cs"] = folder.ConnectionString };

        // The folder first holds March's revised edition only (the original is put aside under a name no run reads).
        SyntheticWorkbook original = folder.Workbooks[March];
        string originalPath = Path.Combine(folder.Path, original.FileName);
        File.Move(originalPath, originalPath + ".aside");
        SyntheticWorkbook revised = folder.WriteRevision(March, RevisedName);
        BackfillSummary first = Backfill(session, vars);
        Assert.Equal((12, 12, 0), (first.FilesRead, first.MonthsWritten, first.ExitCode));
        Dictionary<string, long> newCells = Cells(revised);
        Assert.Equal(newCells, WaitingList(session, vars, null));
        string before = Snapshot(folder.ConnectionString);

        // The original edition arrives later: read, found older than the edition loaded, recorded Superseded, not written.
        File.Move(originalPath + ".aside", originalPath);
        ScriptResult dropped = session.Run("Invoke-CommunityBackfill -Path $dir -ConnectionString $cs", vars);
        var second = (BackfillSummary)Assert.Single(dropped.Output).BaseObject;
        Assert.Empty(dropped.Errors);
        Assert.Equal((1, 12, 0, 0, 0), (second.FilesRead, second.FilesAlreadyLoaded, second.MonthsWritten, second.TrustsUpdated + second.TrustsUnchanged, second.ExitCode));
        LoadRecord superseded = Assert.Single(Loads(session, vars, $"-RunId {second.RunId}"), r => r.FileName == original.FileName);
        Assert.Equal((LoadOutcome.Superseded, Month.Of(March), original.Spec.Published.Date), (superseded.Outcome, superseded.Period!.Value, superseded.Published!.Value));
        string newer = string.Create(CultureInfo.InvariantCulture, $"2025-03 was loaded from the later edition '{RevisedName}' (published {revised.Spec.Revised!.Value:yyyy-MM-dd}) by run {first.RunId} at ");
        Assert.StartsWith(newer, superseded.Reason, StringComparison.Ordinal);
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $"this edition (published {original.Spec.Published:yyyy-MM-dd}) is older and was not written; -Force writes it over the later one"), superseded.Reason, StringComparison.Ordinal);
        Assert.Contains(dropped.Warnings, w => w.StartsWith($"'{original.FileName}' not written: {newer}", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(folder.ConnectionString));
        Assert.Equal(newCells, WaitingList(session, vars, null));

        // Left in the folder, the same bytes are not even opened again: Superseded once more, unread.
        BackfillSummary again = Backfill(session, vars);
        Assert.Equal((0, 12, 0, 0), (again.FilesRead, again.FilesAlreadyLoaded, again.MonthsWritten, again.ExitCode));
        LoadRecord unread = Assert.Single(Loads(session, vars, $"-RunId {again.RunId}"), r => r.FileName == original.FileName);
        Assert.Equal((LoadOutcome.Superseded, Month.Of(March), original.Spec.Published.Date), (unread.Outcome, unread.Period!.Value, unread.Published!.Value));
        Assert.StartsWith(newer, unread.Reason, StringComparison.Ordinal);
        Assert.EndsWith("-Force writes it over the later one (the same bytes were read before: not opened)", unread.Reason, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(folder.ConnectionString));

        // -Force writes it over the later edition, and the ledger says so.
        ScriptResult forced = session.Run("Invoke-CommunityBackfill -LiteralPath $file -ConnectionString $cs -Force", new Dictionary<string, object?>(vars) { ["file"] = originalPath });
        var third = (BackfillSummary)Assert.Single(forced.Output).BaseObject;
        Assert.Equal((1, 1, 0), (third.FilesRead, third.MonthsWritten, third.ExitCode));
        Assert.Equal(LoadOutcome.Loaded, Assert.Single(Loads(session, vars, $"-RunId {third.RunId}")).Outcome);
        Assert.Equal(Cells(original), WaitingList(session, vars, null));
    }

    private static BackfillSummary Backfill(PowerShellSession session, Dictionary<string, object?> vars)
    {
        ScriptResult run = session.Run("Invoke-CommunityBackfill -Path $dir -ConnectionString $cs", vars);
        return (BackfillSummary)Assert.Single(run.Output).BaseObject;
    }

    private static List<LoadRecord> Loads(PowerShellSession session, Dictionary<string, object?> vars, string filters) =>
        session.Invoke($"Get-CommunityLoad -ConnectionString $cs {filters}", vars).Select(o => (LoadRecord)o.BaseObject).ToList();

    /// <summary>March's figures from Get-CommunityWaitingList (as of a moment, or now), keyed as <see cref="LedgerFolder.Cells"/>.</summary>
    private static Dictionary<string, long> WaitingList(PowerShellSession session, Dictionary<string, object?> vars, DateTimeOffset? asOf)
    {
        var rows = session.Invoke("Get-CommunityWaitingList -Period 2025-03 -ConnectionString $cs" + (asOf is null ? "" : " -AsOf $asOf"),
            new Dictionary<string, object?>(vars) { ["asOf"] = asOf }).Select(o => (WaitingListRow)o.BaseObject);
        var figures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (WaitingListRow row in rows)
        {
            foreach (WaitBand band in Enum.GetValues<WaitBand>())
            {
                string property = band == WaitBand.Total ? nameof(WaitingFigures.TotalWaiting) : band.ToString();
                if (typeof(WaitingFigures).GetProperty(property)!.GetValue(row) is long value)
                {
                    figures[LedgerFolder.Key(row.TrustCode, row.Category == ServiceCategory.Adult ? "adult_services" : "cyp_services", row.ServiceKey, BandCatalogue.JsonKey(band))] = value;
                }
            }
        }

        return figures;
    }

    private static Dictionary<string, long> Cells(SyntheticWorkbook workbook) => LedgerFolder.Cells(workbook);

    /// <summary>"key old new" for every band of <paramref name="trust"/> that differs between two editions ("-" for absent).</summary>
    private static List<string> Differences(Dictionary<string, long> before, Dictionary<string, long> after, string trust) =>
        before.Keys.Union(after.Keys).Where(k => k.StartsWith(trust + " ", StringComparison.Ordinal))
            .Where(k => before.GetValueOrDefault(k, -1) != after.GetValueOrDefault(k, -1))
            .Select(k => $"{k} {(before.TryGetValue(k, out long o) ? o.ToString(CultureInfo.InvariantCulture) : "-")} {(after.TryGetValue(k, out long n) ? n.ToString(CultureInfo.InvariantCulture) : "-")}")
            .ToList();

    /// <summary>A version's changes in the form of <see cref="Differences"/>.</summary>
    private static IEnumerable<string> Describe(string trust, IEnumerable<BandChange> changes) =>
        changes.Select(c => $"{LedgerFolder.Key(trust, c.Category, c.Service, c.Band)} {c.OldValue?.ToString(CultureInfo.InvariantCulture) ?? "-"} {c.NewValue?.ToString(CultureInfo.InvariantCulture) ?? "-"}").Order(StringComparer.Ordinal);

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every row of trust_metrics with its row version, and the history: what a run that writes nothing leaves as it was.</summary>
    private static string Snapshot(string connectionString) => Scalar(connectionString, """
        SELECT (SELECT string_agg(t.xmin::text || ' ' || t.id::text, ',' ORDER BY t.id) FROM trust_metrics t)
            || '|' || (SELECT count(*) || ' ' || max(xmin::text) FROM community_data_history)
        """);

    private static string Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static void Exec(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
