using System.Management.Automation;
using System.Net;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>Update-TrustMetrics and Restore-TrustMetrics in the hosted engine, against a real PostgreSQL.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class UpdateTrustMetricsCommandTests
{
    private const string Secret = "Pa55-w0rd-that-must-never-show";

    private static List<CommunityDocument> TwoMonths(SyntheticBackfill db, int extraTrusts = 0) =>
        [.. db.Documents(SyntheticBackfill.Months[0], extraTrusts: extraTrusts), .. db.Documents(SyntheticBackfill.Months[1], extraTrusts: extraTrusts)];

    [SkippableFact]
    public void WhatIf_writes_nothing_at_all()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_whatif", trusts: 6);
        string before = db.RowVersions();
        using var session = new PowerShellSession();

        ScriptResult result = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs -WhatIf", new Dictionary<string, object?>
        {
            ["docs"] = TwoMonths(db),
            ["cs"] = db.ConnectionString,
        });

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(before, db.RowVersions());
        Assert.Equal("False", db.Scalar("""
            SELECT to_regclass('community_data_history') IS NOT NULL OR to_regclass('community_loads') IS NOT NULL
                OR to_regclass('community_backfill_lease') IS NOT NULL OR to_regclass('community_data_backups') IS NOT NULL
            """));
    }

    [SkippableFact]
    public void Emits_one_result_per_document_reports_each_month_and_restores_through_the_pipe()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_run", trusts: 8);
        string before = db.WholeTable();
        List<CommunityDocument> documents = TwoMonths(db, extraTrusts: 1);
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["docs"] = documents, ["cs"] = db.ConnectionString };

        ScriptResult run = session.Run("$global:results = $docs | Update-TrustMetrics -ConnectionString $cs -Verbose; $global:results", variables);

        Assert.Empty(run.Errors);
        var results = run.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).ToList();
        Assert.Equal(documents.Select(d => (d.TrustCode, d.Period)), results.Select(r => (r.TrustCode, r.Period)));
        Assert.Equal(16, results.Count(r => r.Status == TrustMetricsWriteStatus.Updated));
        Assert.Equal(2, results.Count(r => r.Status == TrustMetricsWriteStatus.NotInDatabase));
        Assert.Single(results.Select(r => r.RunId).Distinct());
        Assert.Contains(run.Verbose, v => v.StartsWith("2024-08: 8 updated, 0 unchanged, 0 inserted, 1 not in database, 0 failed; 1 round trip(s)", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, v => v.StartsWith("2024-09: 8 updated", StringComparison.Ordinal));
        Assert.Contains(run.Progress, p => p.StatusDescription.StartsWith("2024-09", StringComparison.Ordinal));
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);

        ScriptResult rerun = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs", variables);
        Assert.All(rerun.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).Where(r => r.Status != TrustMetricsWriteStatus.NotInDatabase),
            r => Assert.Equal(TrustMetricsWriteStatus.Unchanged, r.Status));

        ScriptResult whatIf = session.Run("$global:results | Restore-TrustMetrics -ConnectionString $cs -WhatIf", variables);
        Assert.Empty(whatIf.Output);
        Assert.NotEqual(before, db.WholeTable());

        ScriptResult restore = session.Run("$global:results | Restore-TrustMetrics -ConnectionString $cs -Confirm:$false", variables);
        Assert.Empty(restore.Errors);
        Assert.Equal(16, restore.Output.Count);
        Assert.All(restore.Output, o => Assert.Equal("Restored", ((TrustMetricsRestoreResult)o.BaseObject).Status));
        Assert.Equal(before, db.WholeTable());

        ScriptResult again = session.Run("$global:results | Restore-TrustMetrics -ConnectionString $cs -Confirm:$false", variables);
        Assert.Equal("RestoreTrustMetricsRunNotFound,NhsCommunity.Commands.RestoreTrustMetricsCommand", Assert.Single(again.Errors).FullyQualifiedErrorId);
    }

    [SkippableFact]
    public void A_failing_month_is_reported_with_an_error_and_the_other_months_are_written()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_failed_month", trusts: 5);
        List<CommunityDocument> documents = TwoMonths(db);

        // The server refuses August's writes (a bad document would now be rejected for its trust alone).
        db.Scalar("""
            CREATE FUNCTION refuse_august() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'August is closed'; END $$;
            CREATE TRIGGER refuse_august BEFORE UPDATE ON trust_metrics FOR EACH ROW WHEN (NEW.period = DATE '2024-08-01') EXECUTE FUNCTION refuse_august()
            """);
        string august = db.MonthState(SyntheticBackfill.Months[0]);
        using var session = new PowerShellSession();

        ScriptResult run = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs", new Dictionary<string, object?> { ["docs"] = documents, ["cs"] = db.ConnectionString });

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal("UpdateTrustMetricsMonthFailed,NhsCommunity.Commands.UpdateTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.WriteError, error.CategoryInfo.Category);
        Assert.Equal("2024-08", error.TargetObject);
        var results = run.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).ToList();
        Assert.All(results.Where(r => r.Period.Number == 8), r => Assert.Equal(TrustMetricsWriteStatus.Failed, r.Status));
        Assert.All(results.Where(r => r.Period.Number == 9), r => Assert.Equal(TrustMetricsWriteStatus.Updated, r.Status));
        Assert.Equal(august, db.MonthState(SyntheticBackfill.Months[0]));
    }

    [SkippableFact]
    public void Another_backfill_holding_the_lock_fails_every_month_with_a_clear_error()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_locked", trusts: 3);
        string before = db.RowVersions();
        var other = Guid.NewGuid();
        db.Scalar($"""
            CREATE TABLE community_backfill_lease (name text PRIMARY KEY, run_id uuid NOT NULL, holder text NOT NULL, acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
            INSERT INTO community_backfill_lease VALUES ('community_backfill', '{other}', 'ops on BATCH01 (process 42)', now(), now() + interval '1 hour')
            """);

        using var session = new PowerShellSession();
        ScriptResult run = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs -LockTimeoutSeconds 1", new Dictionary<string, object?> { ["docs"] = TwoMonths(db), ["cs"] = db.ConnectionString });

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal("UpdateTrustMetricsBackfillLocked,NhsCommunity.Commands.UpdateTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
        Assert.StartsWith($"Another backfill (run {other}, started ", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(" UTC by ops on BATCH01 (process 42)) is running on postgres@127.0.0.1:", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(6, run.Output.Count);
        Assert.All(run.Output, o => Assert.Equal(TrustMetricsWriteStatus.Failed, ((TrustMetricsWriteResult)o.BaseObject).Status));
        Assert.Equal(before, db.RowVersions());

        ScriptResult restore = session.Run("Restore-TrustMetrics -RunId ([guid]::NewGuid()) -ConnectionString $cs -TimeoutSeconds 1 -Confirm:$false", new Dictionary<string, object?> { ["cs"] = db.ConnectionString });
        ErrorRecord restoreError = Assert.Single(restore.Errors);
        Assert.Equal("RestoreTrustMetricsBackfillLocked,NhsCommunity.Commands.RestoreTrustMetricsCommand", restoreError.FullyQualifiedErrorId);
        Assert.StartsWith($"Another backfill (run {other}, started ", restoreError.Exception.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Invalid_invocations_stop_with_their_own_error_ids()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_invalid", trusts: 2);
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["docs"] = TwoMonths(db), ["cs"] = db.ConnectionString };

        Assert.Equal("UpdateTrustMetricsInvalidColumn,NhsCommunity.Commands.UpdateTrustMetricsCommand",
            TerminatingErrorId(session, "$docs | Update-TrustMetrics -ConnectionString $cs -Column 'x; drop table trust_metrics'", variables));
        Assert.Equal("UpdateTrustMetricsColumnNotFound,NhsCommunity.Commands.UpdateTrustMetricsCommand",
            TerminatingErrorId(session, "$docs | Update-TrustMetrics -ConnectionString $cs -Column rtt_data_typo", variables));

        ScriptResult duplicate = session.Run("@($docs[0], $docs[0]) | Update-TrustMetrics -ConnectionString $cs", variables);
        Assert.Equal("UpdateTrustMetricsDuplicateDocument,NhsCommunity.Commands.UpdateTrustMetricsCommand", Assert.Single(duplicate.Errors).FullyQualifiedErrorId);
        Assert.Single(duplicate.Output);
    }

    [SkippableFact]
    public void The_password_never_appears_in_any_stream_message_or_error()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("cmdlet_secrets", trusts: 2);
        using var session = new PowerShellSession();
        int closedPort = LocalPorts.Closed();
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        // The secrets are in variables, as in a script ($env:..., Get-Credential): PowerShell itself keeps
        // the text of the command line in every error's InvocationInfo, which is not ours to redact.
        var cases = new Dictionary<string, (string Command, string ConnectionString)>
        {
            // Nothing listening: the connection fails in the socket.
            ["closed port, password in the string"] = ("$docs | Update-TrustMetrics -ConnectionString $cs -Verbose -Debug",
                $"Host=127.0.0.1;Port={closedPort};Username=postgres;Password={Secret};Database=x"),
            // The server answers and refuses: the failure comes back from PostgreSQL.
            ["missing database, password in -Credential"] = ("$docs | Update-TrustMetrics -ConnectionString $cs -Credential $credential -Verbose -Debug",
                $"Host=127.0.0.1;Port={builder.Port};Database=no_such_database"),
            ["malformed string with a password"] = ("$docs | Update-TrustMetrics -ConnectionString $cs -Verbose -Debug",
                $"Host=127.0.0.1;Password={Secret};Not A Key=1"),
            ["restore, password in the string"] = ("Restore-TrustMetrics -RunId ([guid]::NewGuid()) -Confirm:$false -ConnectionString $cs -Verbose -Debug",
                $"Host=127.0.0.1;Port={closedPort};Username=postgres;Password={Secret}"),
        };

        foreach (var (name, (command, connectionString)) in cases)
        {
            string script = $$"""
                $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
                try { {{command}} *>&1 } catch { $_ }
                """;
            ScriptResult result;
            try
            {
                result = session.Run(script, new Dictionary<string, object?> { ["docs"] = TwoMonths(db), ["cs"] = connectionString, ["credential"] = new PSCredential("postgres", new NetworkCredential("", Secret).SecurePassword) });
            }
            catch (RuntimeException e)
            {
                Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(Secret, e.ErrorRecord.ToString(), StringComparison.Ordinal);
                continue;
            }

            var texts = result.Output.Select(o => Describe(o.BaseObject))
                .Concat(result.Errors.Select(Describe))
                .Concat(result.Warnings).Concat(result.Verbose)
                .Concat(result.Progress.Select(p => p.Activity + " " + p.StatusDescription))
                .ToList();
            Assert.True(texts.Count > 0, name + ": the command reported nothing at all");
            Assert.Contains(texts, t => t.Contains("DatabaseUnavailable", StringComparison.Ordinal) || t.Contains("InvalidConnection", StringComparison.Ordinal));
            Assert.All(texts, t => Assert.DoesNotContain(Secret, t, StringComparison.Ordinal));
        }
    }

    private static string TerminatingErrorId(PowerShellSession session, string script, IDictionary<string, object?> variables)
    {
        ScriptResult result = session.Run($"try {{ {script} }} catch {{ $_.FullyQualifiedErrorId }}", variables);
        return Assert.IsType<string>(Assert.Single(result.Output).BaseObject);
    }

    private static string Describe(object value) => value switch
    {
        ErrorRecord e => string.Join(" | ", e.ToString(), e.FullyQualifiedErrorId, e.CategoryInfo.ToString(), e.TargetObject?.ToString(),
            e.ErrorDetails?.Message, e.Exception.ToString(), e.InvocationInfo?.Line, e.ScriptStackTrace),
        InformationalRecord r => r.Message,
        _ => value.ToString() ?? "",
    };
}
