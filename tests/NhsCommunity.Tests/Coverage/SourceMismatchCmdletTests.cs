using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Coverage;

/// <summary>Test-CommunityCoverage -Path in the engine, against the real backfill and its workbooks.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
[Collection(CoverageDatabases.Name)]
public sealed class SourceMismatchCmdletTests
{
    private readonly RealBackfillFixture _fixture;

    public SourceMismatchCmdletTests(RealBackfillFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public void The_backfilled_numbers_match_their_workbook_and_a_missing_path_is_a_per_item_error()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        using var session = new PowerShellSession();
        string workbook = RepositoryPaths.RealWorkbook("2024-25-December");
        var vars = new Dictionary<string, object?> { ["cs"] = _fixture.ConnectionString, ["wb"] = workbook, ["missing"] = Path.Combine(Path.GetTempPath(), $"no-such-workbook-{Guid.NewGuid():N}.xlsx") };

        ScriptResult result = session.Run("$r = Test-CommunityCoverage -ConnectionString $cs -Path $wb, $missing -From 2024-12-01 -To 2024-12-31; $r.Checks.Name; '---'; $r.SourceFiles; '---'; @($r.Findings | Where-Object Check -eq 'SourceMismatch').Count", vars);
        string[] output = result.Output.Select(o => o.ToString()).ToArray();
        Assert.Contains("SourceMismatch", output);
        Assert.Equal(workbook, output[Array.IndexOf(output, "---") + 1]);
        Assert.Equal("0", output[^1]);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("TestCommunityCoveragePathNotFound", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_folder_means_every_workbook_in_it_for_both_cmdlets()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        using var session = new PowerShellSession();
        string folder = Directory.CreateTempSubdirectory("nhscommunity-report-").FullName;
        try
        {
            var vars = new Dictionary<string, object?> { ["cs"] = _fixture.ConnectionString, ["chs"] = RepositoryPaths.RealWorkbookDirectory, ["out"] = folder };

            ScriptResult result = session.Run("$r = Test-CommunityCoverage -ConnectionString $cs -Path $chs; $r.SourceFiles.Count; @($r.Findings | Where-Object Check -eq 'SourceMismatch').Count; Export-CommunityReport -ConnectionString $cs -Path $out -WorkbookPath $chs | Out-Null", vars);

            Assert.Empty(result.Errors);
            Assert.Equal(["4", "0"], result.Output.Select(o => o.ToString()));
            Assert.Contains("SourceMismatch", File.ReadAllText(Path.Combine(folder, "data_quality_report.md")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
