using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Tests.Database;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using static NhsCommunity.Tests.Documents.RecordFactory;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// The module's outputs feed its own cmdlets by property name (TrustCode, Period, IcbCode, ServiceKey, RunId):
/// each pairing binds without a single error and filters to exactly what the piped objects name.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class PipelineChainTests : IClassFixture<ApiDatabase>, IDisposable
{
    /// <summary>"R02 2024-09" per waiting list row (Run sorts them).</summary>
    private const string Rows = "| ForEach-Object { '{0} {1:yyyy-MM}' -f $_.TrustCode, $_.Period }";

    private readonly ApiDatabase _database;
    private readonly PowerShellSession _session = new();

    public PipelineChainTests(ApiDatabase database) => _database = database;

    [SkippableFact]
    public void TrustMappingEntry_to_Get_CommunityWaitingList_the_issues_own_example()
    {
        Assert.Equal(["R02 2024-09", "R03 2024-09", "R04 2024-09"], Run($"$mapping | Where-Object Status -eq 'Matched' | Get-CommunityWaitingList -Period 2024-09 {Rows}"));
    }

    [SkippableFact]
    public void TrustMappingEntry_to_Test_CommunityCoverage_and_Export_CommunityReport()
    {
        Assert.Equal(["R02 2024-08", "R02 2024-09", "R02 2024-10", "R03 2024-08", "R03 2024-09", "R03 2024-10", "R04 2024-08", "R04 2024-09", "R04 2024-10"],
            Run($"($mapping | Where-Object Status -eq 'Matched' | Test-CommunityCoverage).Coverage {Rows}"));

        using var temp = new Fixtures.TempDirectory();
        Run("$mapping | Where-Object Status -eq 'Matched' | Export-CommunityReport -Path $folder | Out-Null", ("folder", temp.Path));
        string csv = File.ReadAllText(temp.File("coverage_matrix.csv"));
        Assert.Contains("R02,", csv, StringComparison.Ordinal);
        Assert.Contains("R03,", csv, StringComparison.Ordinal);
        Assert.Contains("R04,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("R01,", csv, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void CoverageRow_to_Get_CommunityWaitingList_by_trust_and_period()
    {
        Assert.Equal(["R03 2024-08", "R03 2024-10"],
            Run($"(Test-CommunityCoverage -TrustCode R03).Coverage | Where-Object {{ $_.Period.Month -ne 9 }} | Get-CommunityWaitingList {Rows}"));
    }

    [SkippableFact]
    public void WaitingListRow_to_Test_CommunityCoverage_by_trust()
    {
        Assert.Equal(["R05 2024-08", "R05 2024-09", "R05 2024-10"],
            Run($"(Get-CommunityWaitingList -TrustCode R05 -Period 2024-10 | Test-CommunityCoverage).Coverage {Rows}"));
    }

    [SkippableFact]
    public void WaitingListSummary_by_trust_or_by_icb_to_Get_CommunityWaitingList_leaves_the_unset_groupings_alone()
    {
        Assert.Equal(["R01 2024-08", "R01 2024-09", "R01 2024-10", "R06 2024-08", "R06 2024-09", "R06 2024-10"],
            Run($"Get-CommunityWaitingList -TrustCode R01, R06 -GroupBy Trust | Get-CommunityWaitingList {Rows}"));
        Assert.Equal(["R02 2024-09"],
            Run($"Get-CommunityWaitingList -GroupBy Icb, Period | Where-Object {{ $_.IcbCode -eq 'Q02' -and $_.Period.Month -eq 9 }} | Get-CommunityWaitingList {Rows}"));
    }

    [SkippableFact]
    public void CoverageFinding_to_Get_CommunityWaitingList_with_or_without_a_period_and_a_service_path()
    {
        Assert.Equal(["R04 2024-08", "R04 2024-09", "R04 2024-10"], Run($$"""
            [NhsCommunity.Coverage.CoverageFinding]@{ Check = 'MissingMonth'; Severity = 'Warning'; TrustCode = 'R04'; Detail = 'made up' } |
                Get-CommunityWaitingList {{Rows}}
            """));
        Assert.Equal(["R06 2024-09"], Run($$"""
            [NhsCommunity.Coverage.CoverageFinding]@{ Check = 'BandSum'; Severity = 'Warning'; TrustCode = 'R06'; Period = [datetime]'2024-09-01'; ServicePath = 'adult_services.audiology'; Detail = 'made up' } |
                Get-CommunityWaitingList {{Rows}}
            """));
    }

    [SkippableFact]
    public void CommunityRecord_and_CommunityDocument_to_Get_CommunityWaitingList_by_organisation_period_and_service()
    {
        Assert.Equal(["R03 2024-08 audiology"],
            Run("$records | Where-Object OrganisationCode -eq 'R03' | Get-CommunityWaitingList | ForEach-Object { '{0} {1:yyyy-MM} {2}' -f $_.TrustCode, $_.Period, $_.ServiceKey }"));
        Assert.Empty(Run("$records | Where-Object OrganisationCode -eq 'R03' | Get-CommunityWaitingList -ServiceKey podiatry"));
        // Four documents, four trust-months: not the six of every trust piped in every month piped.
        Assert.Equal(["R02 2024-09", "R03 2024-08", "R04 2024-08", "R04 2024-09"], Run($"$records | ConvertTo-CommunityJsonb | Get-CommunityWaitingList {Rows}"));
    }

    [SkippableFact]
    public void TrustMetricsWriteResult_to_Get_CommunityWaitingList()
    {
        // The documents the database already holds for two trusts: the run changes nothing.
        CommunityDocument[] same = [SyntheticBackfill.Document("R01", new DateTime(2024, 10, 1), 100), SyntheticBackfill.Document("R02", new DateTime(2024, 10, 1), 200)];
        _session.Invoke("$global:same = $docs", new Dictionary<string, object?> { ["docs"] = same });

        Assert.Equal(["R01 2024-10", "R02 2024-10"], Run($"$same | Update-TrustMetrics | Get-CommunityWaitingList {Rows}"));
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Runs a pipeline that must raise no error at all (binding errors included); returns its output as text, sorted.</summary>
    private List<string> Run(string script, params (string Name, object? Value)[] variables)
    {
        var values = new Dictionary<string, object?>
        {
            ["PSDefaultParameterValues"] = new DefaultParameterDictionary { ["*:ConnectionString"] = _database.ConnectionString },
            ["records"] = Records(),
        };
        foreach (var (name, value) in variables)
        {
            values[name] = value;
        }

        _session.Invoke("$global:mapping = $records | Get-TrustMapping", values);
        ScriptResult result = _session.Run(script, values);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        return result.Output.Select(o => o.ToString()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Provider records for R03 and R04 in August 2024 and R02 and R04 in September (adult audiology).</summary>
    private static CommunityRecord[] Records() =>
    [
        Provider("R03", August2024, ServiceCategory.Adult, "audiology", [7, 1, 1, 1, 1, 1, 1, 1]),
        Provider("R04", August2024, ServiceCategory.Adult, "audiology", [7, 1, 1, 1, 1, 1, 1, 1]),
        Provider("R02", August2024.AddMonths(1), ServiceCategory.Adult, "audiology", [7, 1, 1, 1, 1, 1, 1, 1]),
        Provider("R04", August2024.AddMonths(1), ServiceCategory.Adult, "audiology", [7, 1, 1, 1, 1, 1, 1, 1]),
    ];
}
