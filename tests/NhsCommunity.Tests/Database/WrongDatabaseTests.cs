using System.Management.Automation;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>
/// No side effects on the wrong database: without trust_metrics, or with the column missing or not jsonb,
/// Update-TrustMetrics and Restore-TrustMetrics stop with an error and the catalog is exactly as before
/// (no lease table, no backup table, no index, no row changed).
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class WrongDatabaseTests
{
    private static readonly DateTime August = SyntheticBackfill.Months[0];

    private static List<CommunityDocument> Documents() =>
        [SyntheticBackfill.Document("R01", August, 100, "NAME OF R01"), SyntheticBackfill.Document("R02", August, 200, "NAME OF R02")];

    [SkippableFact]
    public void A_database_without_trust_metrics_gets_nothing_created_by_update_or_restore()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connectionString = TestPostgres.NewDatabase("wrong_no_table");
        DatabaseCatalog.Scalar(connectionString, "CREATE TABLE other_metrics (id int PRIMARY KEY, community_data jsonb)");
        string catalog = DatabaseCatalog.Relations(connectionString);
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["cs"] = connectionString, ["docs"] = Documents() };

        ErrorRecord update = TerminatingError(session, "$docs | Update-TrustMetrics -ConnectionString $cs -AddMissingRows", variables);
        Assert.Equal("UpdateTrustMetricsTableNotFound,NhsCommunity.Commands.UpdateTrustMetricsCommand", update.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, update.CategoryInfo.Category);
        Assert.Matches(@"^postgres@127\.0\.0\.1:\d+/wrong_no_table_\d+ has no table trust_metrics \(on its search path\), so nothing was written and nothing was created there\. Check that the connection names the right database\.$", update.Exception.Message);

        ErrorRecord restore = TerminatingError(session, "Restore-TrustMetrics -RunId ([guid]::NewGuid()) -ConnectionString $cs -Confirm:$false", variables);
        Assert.Equal("RestoreTrustMetricsTableNotFound,NhsCommunity.Commands.RestoreTrustMetricsCommand", restore.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, restore.CategoryInfo.Category);

        Assert.Equal(catalog, DatabaseCatalog.Relations(connectionString));
        Assert.Equal("public.other_metrics", DatabaseCatalog.Tables(connectionString));
    }

    [SkippableFact]
    public void A_community_data_column_of_type_text_is_refused_with_nothing_created_or_changed()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("wrong_text_column", trusts: 2);
        db.Scalar("ALTER TABLE trust_metrics ALTER COLUMN community_data TYPE text");
        string catalog = DatabaseCatalog.Relations(db.ConnectionString);
        string rows = db.RowVersions();
        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["cs"] = db.ConnectionString, ["docs"] = Documents() };

        ErrorRecord error = TerminatingError(session, "$docs | Update-TrustMetrics -ConnectionString $cs", variables);

        Assert.Equal("UpdateTrustMetricsColumnNotJsonb,NhsCommunity.Commands.UpdateTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidType, error.CategoryInfo.Category);
        Assert.Equal("community_data", error.TargetObject);
        Assert.Contains("Column 'community_data' of trust_metrics on postgres@127.0.0.1:", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(" is text, not jsonb, so nothing was written and nothing was created there.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(catalog, DatabaseCatalog.Relations(db.ConnectionString));
        Assert.Equal(rows, db.RowVersions());
        Assert.Equal("public.trust_metrics", DatabaseCatalog.Tables(db.ConnectionString));
    }

    [SkippableFact]
    public async Task A_missing_column_is_refused_in_the_core_with_nothing_created()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("wrong_no_column", trusts: 2);
        db.Scalar("ALTER TABLE trust_metrics DROP COLUMN community_data");
        string catalog = DatabaseCatalog.Relations(db.ConnectionString);
        using DatabaseTarget target = DatabaseTarget.Resolve(db.ConnectionString);
        await using var writer = new TrustMetricsWriter(target, new TrustMetricsWriteOptions());

        TrustMetricsSchemaException e = await Assert.ThrowsAsync<TrustMetricsSchemaException>(() => writer.PrepareAsync(CancellationToken.None));

        Assert.Equal(TrustMetricsSchemaException.ColumnNotFound, e.Problem);
        Assert.Contains("has no column 'community_data', so nothing was written and nothing was created there.", e.Message, StringComparison.Ordinal);
        Assert.Equal(catalog, DatabaseCatalog.Relations(db.ConnectionString));
    }

    [SkippableFact]
    public void Restore_on_a_database_no_backfill_wrote_to_says_there_is_nothing_to_restore_and_creates_no_lease_table()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("wrong_no_history", trusts: 2);
        string catalog = DatabaseCatalog.Relations(db.ConnectionString);
        using var session = new PowerShellSession();

        ScriptResult result = session.Run("Restore-TrustMetrics -RunId ([guid]::NewGuid()) -ConnectionString $cs -Confirm:$false", new Dictionary<string, object?> { ["cs"] = db.ConnectionString });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("RestoreTrustMetricsRunNotFound,NhsCommunity.Commands.RestoreTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Contains("no backfill ever wrote there (it has no community_data_history table)", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(catalog, DatabaseCatalog.Relations(db.ConnectionString));
    }

    private static ErrorRecord TerminatingError(PowerShellSession session, string script, IDictionary<string, object?> variables)
    {
        ScriptResult result = session.Run($"try {{ {script} }} catch {{ $_ }}", variables);
        Assert.Empty(result.Errors);
        return Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
    }
}
