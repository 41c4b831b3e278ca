using System.Management.Automation;
using System.Xml.Linq;
using Npgsql;
using NhsCommunity.Backfill;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Backfill;

/// <summary>Invoke-CommunityBackfill in the engine: the four real workbooks into trust_metrics loaded from the fixture CSV.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class InvokeCommunityBackfillCommandTests
{
    private static void SkipUnlessReady()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
    }

    private static IReadOnlyList<CommunityDocument> ExpectedDocuments() =>
        CommunityDocumentBuilder.Build(Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .SelectMany(f => new WorkbookImporter().Read(f).Records)).Documents;

    private static T Scalar<T>(string connectionString, string sql, params object[] parameters)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (object p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)command.ExecuteScalar()!;
    }

    private static BackfillSummary Run(PowerShellSession session, string arguments, string connectionString, out ScriptResult result)
    {
        result = session.Run(
            $"Invoke-CommunityBackfill -Path $folder -ConnectionString $cs {arguments}",
            new Dictionary<string, object?> { ["folder"] = RepositoryPaths.RealWorkbookDirectory, ["cs"] = connectionString });
        return Assert.IsType<BackfillSummary>(Assert.Single(result.Output).BaseObject);
    }

    [SkippableFact]
    public void Backfills_the_real_months_into_matching_rows_then_a_rerun_changes_nothing()
    {
        SkipUnlessReady();
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("backfill");
        var documents = ExpectedDocuments();
        var rows = new HashSet<(string, DateTime)>();
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT trust_code, period FROM trust_metrics WHERE data_type = 'monthly'", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetDateTime(1)));
            }
        }

        int matched = documents.Count(d => rows.Contains((d.TrustCode, d.Period)));
        Assert.InRange(matched, 1, documents.Count - 1);

        using var session = new PowerShellSession();
        BackfillSummary first = Run(session, "", connectionString, out ScriptResult firstResult);

        Assert.Equal([], firstResult.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e));
        Assert.True(first.Succeeded, string.Join("\n", first.Failures));
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(4, first.FilesRead);
        Assert.Equal("2024-08;2024-12;2025-01;2025-07", first.Periods);
        Assert.Equal(4, first.MonthsWritten);
        Assert.Equal(matched, first.TrustsUpdated);
        Assert.Equal(documents.Count - matched, first.TrustsNotInDatabase);
        Assert.Equal(0, first.TrustsUnchanged);
        Assert.True(first.NonNhsProviders > 0);
        Assert.Equal(6, first.RoundTrips); // one to start (tables, lease), one a month, one to release the lease
        Assert.Equal(0, Scalar<long>(connectionString, "SELECT count(*) FROM community_backfill_lease"));
        Assert.DoesNotContain("Password", first.Database, StringComparison.OrdinalIgnoreCase);

        // Every matched row now holds exactly its document (compared as jsonb); the others still have none.
        foreach (CommunityDocument document in documents.Where(d => rows.Contains((d.TrustCode, d.Period))))
        {
            Assert.True(
                Scalar<bool>(connectionString, "SELECT community_data = $1::jsonb FROM trust_metrics WHERE trust_code = $2 AND period = $3 AND data_type = 'monthly'",
                    document.Json, document.TrustCode, document.Period.ToDateTime()),
                $"{document.TrustCode} {document.Period:yyyy-MM}");
        }

        Assert.Equal(matched, (int)Scalar<long>(connectionString, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));

        // -Force: read every workbook again (the ledger would skip them unread) and find every document stored as it is.
        BackfillSummary second = Run(session, "-Force", connectionString, out _);
        Assert.True(second.Succeeded);
        Assert.Equal(0, second.TrustsUpdated);
        Assert.Equal(matched, second.TrustsUnchanged);
        Assert.NotEqual(first.RunId, second.RunId);
    }

    [SkippableFact]
    public void WhatIf_reads_and_converts_but_writes_nothing_at_all()
    {
        SkipUnlessReady();
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("backfill");
        long tablesBefore = Scalar<long>(connectionString, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");

        using var session = new PowerShellSession();
        BackfillSummary summary = Run(session, "-WhatIf", connectionString, out ScriptResult result);

        Assert.Empty(result.Errors);
        Assert.Equal(4, summary.MonthsSkipped);
        Assert.Equal(0, summary.MonthsWritten);
        Assert.Equal(0, summary.RoundTrips);
        Assert.Equal(0, Scalar<long>(connectionString, "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL"));
        Assert.Equal(tablesBefore, Scalar<long>(connectionString, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
    }

    [SkippableFact]
    public void An_unreadable_file_fails_the_run_but_the_other_months_are_written()
    {
        SkipUnlessReady();
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("backfill");
        string bad = Path.Combine(Path.GetTempPath(), $"not-a-workbook-{Guid.NewGuid():N}.xlsx");
        File.WriteAllText(bad, "Organisation Code,Total\nRGT,1\n");
        try
        {
            using var session = new PowerShellSession();
            ScriptResult result = session.Run(
                "Invoke-CommunityBackfill -LiteralPath $files -ConnectionString $cs",
                new Dictionary<string, object?> { ["files"] = new[] { bad, RepositoryPaths.RealWorkbook("2024-25-August") }, ["cs"] = connectionString });

            BackfillSummary summary = Assert.IsType<BackfillSummary>(Assert.Single(result.Output).BaseObject);
            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith(WorkbookErrorIds.NotAWorkbook + ",", error.FullyQualifiedErrorId);
            Assert.False(summary.Succeeded);
            Assert.Equal(1, summary.ExitCode);
            Assert.Equal(1, summary.FilesFailed);
            Assert.Equal(1, summary.MonthsWritten);
            Assert.Contains(Path.GetFileName(bad), Assert.Single(summary.Failures));
            Assert.True(summary.TrustsUpdated > 0);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Help_documents_every_parameter_and_the_output_type_is_declared()
    {
        using var session = new PowerShellSession();
        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XElement help = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity", "Help", "Invoke-CommunityBackfill.xml")).Root!;
        var documented = help.Element(command + "parameters")!.Elements(command + "parameter")
            .Where(p => !string.IsNullOrWhiteSpace(p.Element(maml + "description")?.Value))
            .Select(p => p.Element(maml + "name")!.Value).ToHashSet();
        var declared = session.Invoke("""
            (Get-Command Invoke-CommunityBackfill).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }
            """).Select(o => o.ToString()!).ToList();
        Assert.All(declared, p => Assert.Contains(p, documented));
        Assert.Contains("WhatIf", declared);
        Assert.Equal(["NhsCommunity.Backfill.BackfillSummary"], session.Invoke("(Get-Command Invoke-CommunityBackfill).OutputType.Name").Select(o => o.ToString()));
    }
}
