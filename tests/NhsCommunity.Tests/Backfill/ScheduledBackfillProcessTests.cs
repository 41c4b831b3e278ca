using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Backfill;

/// <summary>
/// The backfill as a scheduler runs it: a separate pwsh process, where (unlike in the test process) the
/// core and Npgsql are found only through the module's own load context, and the exit status tells the
/// scheduler whether anything failed.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class ScheduledBackfillProcessTests
{
    [SkippableFact]
    public void A_backfill_script_in_its_own_process_writes_the_months_and_exits_0_then_1_when_a_file_fails()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PwshProcess.IsRestored, PwshProcess.NotRestoredReason);
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("scheduled");
        int documents = CommunityDocumentBuilder.Build(Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .SelectMany(f => new WorkbookImporter().Read(f).Records)).Documents.Count;

        string script = $$"""
            Import-Module '{{RepositoryPaths.Manifest}}' -ErrorAction Stop
            $documents = Import-CommunityWorkbook -Path '{{RepositoryPaths.RealWorkbookDirectory}}/*.xlsx' | ConvertTo-CommunityJsonb
            "documents=$($documents.Count)"
            $mapping = Get-TrustMapping -Path '{{RepositoryPaths.RealWorkbookDirectory}}' -ConnectionString '{{connectionString}}'
            "matched=$(@($mapping | Where-Object Status -eq 'Matched').Count)"
            $summary = Invoke-CommunityBackfill -Path '{{RepositoryPaths.RealWorkbookDirectory}}' -ConnectionString '{{connectionString}}'
            "written=$($summary.MonthsWritten) updated=$($summary.TrustsUpdated)"
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Npgsql' } |
                ForEach-Object { "npgsql-context=$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" }
            exit $summary.ExitCode
            """;
        ProcessResult result = PwshProcess.Run(["-Command", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"documents={documents}", result.Lines);
        Assert.Contains("written=4 updated=", result.Output, StringComparison.Ordinal);
        Assert.Contains("npgsql-context=NhsCommunity", result.Lines);
        Assert.DoesNotContain(result.Lines, l => l.StartsWith("npgsql-context=", StringComparison.Ordinal) && l != "npgsql-context=NhsCommunity");
        Assert.Contains(result.Lines, l => l.StartsWith("matched=", StringComparison.Ordinal) && l != "matched=0");

        ProcessResult failing = PwshProcess.Run(["-Command", $$"""
            Import-Module '{{RepositoryPaths.Manifest}}' -ErrorAction Stop
            $summary = Invoke-CommunityBackfill -Path '{{RepositoryPaths.RealWorkbookDirectory}}/*.xlsx', '{{RepositoryPaths.RealWorkbookDirectory}}/missing.xlsx' -ConnectionString '{{connectionString}}'
            "alreadyLoaded=$($summary.FilesAlreadyLoaded) failures=$($summary.Failures.Count)"
            exit $summary.ExitCode
            """]);

        Assert.True(failing.ExitCode == 1, failing.ToString());
        Assert.Contains("missing.xlsx", failing.Error, StringComparison.Ordinal);
        // The files that were there are skipped by the load ledger (loaded by the first run), the missing one fails.
        Assert.Contains(failing.Lines, l => l.StartsWith("alreadyLoaded=", StringComparison.Ordinal) && l.EndsWith(" failures=1", StringComparison.Ordinal) && l != "alreadyLoaded=0 failures=1");
    }
}
