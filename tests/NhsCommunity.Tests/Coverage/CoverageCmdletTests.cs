using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Tests.Infrastructure;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Coverage;

/// <summary>The three cmdlets in the hosted engine, on a small table with one bad document.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class CoverageCmdletTests : IDisposable
{
    private readonly CoverageTestDatabase? _database;
    private readonly PowerShellSession? _session;

    public CoverageCmdletTests()
    {
        if (!TestPostgres.IsAvailable)
        {
            return;
        }

        _database = new CoverageTestDatabase("coverage_cmdlets");
        for (int i = 0; i < 3; i++)
        {
            DateTime period = Month(2024, 11).AddMonths(i);
            _database.Insert("RGT", period, Document(period, (ServiceCategory.Adult, "audiology", 6000 + i), (ServiceCategory.CYP, "audiology", 300)).ToJsonString(), icbCode: "QUE");
            _database.Insert("R0A", period, Typical(period, i).ToJsonString(), icbCode: "QOP");
        }

        _database.Insert("R1A", Month(2025, 1), "{\"adult_services\": {}, \"cyp_services\": {}}", icbCode: "QOP");
        _session = new PowerShellSession();
    }

    private PowerShellSession Session
    {
        get
        {
            Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
            return _session!;
        }
    }

    private Dictionary<string, object?> Vars => new() { ["cs"] = _database!.ConnectionString };

    [SkippableFact]
    public void Test_CommunityCoverage_returns_one_report()
    {
        var output = Session.Invoke("Test-CommunityCoverage -ConnectionString $cs", Vars);
        PSObject report = Assert.Single(output);
        Assert.Equal("NhsCommunity.Coverage.CoverageReport", report.BaseObject.GetType().FullName);
        Assert.False((bool)report.Properties["Passed"].Value);
        Assert.Equal(7, (int)report.Properties["Rows"].Value);
        Assert.Equal(3, (int)report.Properties["Trusts"].Value);
        var missing = Session.Invoke("(Test-CommunityCoverage -ConnectionString $cs).Findings | Where-Object { $_.Check -eq 'MissingKey' -and $_.TrustCode -eq 'R1A' }", Vars);
        Assert.Contains(missing, f => ((string)f.Properties["Detail"].Value).Contains("\"metadata\"", StringComparison.Ordinal));
        var sql = Session.Invoke("(Test-CommunityCoverage -ConnectionString $cs -TrustCode rgt).ChecksSql()", Vars);
        Assert.Contains("'RGT'", (string)Assert.Single(sql).BaseObject, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AsMatrix_emits_a_row_per_trust_with_a_property_per_month()
    {
        var rows = Session.Invoke("Test-CommunityCoverage -ConnectionString $cs -AsMatrix", Vars);
        Assert.Equal(["R0A", "R1A", "RGT"], rows.Select(r => (string)r.Properties["TrustCode"].Value));
        PSObject rgt = rows.Single(r => (string)r.Properties["TrustCode"].Value == "RGT");
        Assert.Equal(["TrustCode", "TrustName", "2024-11", "2024-12", "2025-01"], rgt.Properties.Select(p => p.Name));
        Assert.Equal(2, (int?)rgt.Properties["2024-12"].Value);
        Assert.Null(rows.Single(r => (string)r.Properties["TrustCode"].Value == "R1A").Properties["2024-11"].Value);
        var viaMethod = Session.Invoke("(Test-CommunityCoverage -ConnectionString $cs).ToMatrix().Rows.Count", Vars);
        Assert.Equal(3, (int)Assert.Single(viaMethod).BaseObject);
    }

    [SkippableFact]
    public void A_bad_connection_is_a_terminating_error_with_a_stable_id_and_no_secret()
    {
        const string script = """
            try { Test-CommunityCoverage -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Password=s3cret-pw;Database=none;Timeout=3;SSL Mode=Disable' -ErrorAction Stop; 'no error' }
            catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
            """;
        var output = Session.Invoke(script).Select(o => o.ToString()).ToArray();
        Assert.StartsWith("TestCommunityCoverageDatabaseUnavailable", output[0], StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", output[1], StringComparison.Ordinal);
        Assert.Contains("nobody@127.0.0.1:1/none", output[1], StringComparison.Ordinal);

        var missingTable = Session.Invoke("try { Get-CommunityWaitingList -ConnectionString $cs -Column no_such_column -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }", Vars);
        Assert.StartsWith("GetCommunityWaitingListQueryFailed", Assert.Single(missingTable).ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Get_CommunityWaitingList_emits_typed_rows_and_filters_in_the_database()
    {
        var rows = Session.Invoke("Get-CommunityWaitingList -ConnectionString $cs -Category Adult -MinTotalWaiting 5001", Vars);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("NhsCommunity.Queries.WaitingListRow", r.BaseObject.GetType().FullName);
            Assert.Equal("RGT", r.Properties["TrustCode"].Value);
            Assert.Equal("QUE", r.Properties["IcbCode"].Value);
            Assert.True((long)r.Properties["TotalWaiting"].Value! > 5000);
        });
        var groups = Session.Invoke("Get-CommunityWaitingList -ConnectionString $cs -GroupBy Icb -Service audiology", Vars);
        Assert.Equal(["QOP", "QUE"], groups.Select(g => (string)g.Properties["IcbCode"].Value));
        var ungrouped = Session.Invoke("$t = 0; Get-CommunityWaitingList -ConnectionString $cs -IcbCode que -Service audiology | ForEach-Object { $t += $_.TotalWaiting }; $t", Vars);
        Assert.Equal((long)Assert.Single(ungrouped).BaseObject, (long)groups.Single(g => (string)g.Properties["IcbCode"].Value == "QUE").Properties["TotalWaiting"].Value!);
    }

    [SkippableFact]
    public void Service_completes_from_the_catalogue()
    {
        var completions = Session.Invoke("(TabExpansion2 -inputScript 'Get-CommunityWaitingList -Service ltc_d' -cursorColumn 37).CompletionMatches.CompletionText");
        Assert.Equal(["ltc_diabetes"], completions.Select(c => c.ToString()));
    }

    [SkippableFact]
    public void Export_CommunityReport_writes_four_files_and_nothing_with_WhatIf()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nhscommunity-export-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var vars = Vars;
            vars["folder"] = folder;
            Session.Invoke("Export-CommunityReport -Path $folder -ConnectionString $cs -WhatIf", vars);
            Assert.False(Directory.Exists(folder));

            var files = Session.Invoke("Test-CommunityCoverage -ConnectionString $cs | Export-CommunityReport -Path $folder", vars);
            Assert.Equal(["coverage_matrix.csv", "data_quality_report.md", "checks.sql", "report.html"], files.Select(f => ((NhsCommunity.Reports.ReportFile)f.BaseObject).Name));
            Assert.All(files, f => Assert.True(((NhsCommunity.Reports.ReportFile)f.BaseObject).Bytes > 0));
            Assert.StartsWith("trust_code,trust_name,2024-11,2024-12,2025-01\r\n", File.ReadAllText(Path.Combine(folder, "coverage_matrix.csv")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [SkippableFact]
    public void Every_new_cmdlet_and_parameter_has_help()
    {
        foreach (string name in new[] { "Test-CommunityCoverage", "Get-CommunityWaitingList", "Export-CommunityReport" })
        {
            var parameters = Session.Invoke($"(Get-Command {name}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }}");
            var documented = Session.Invoke($"(Get-Help {name} -Full).parameters.parameter.name").Select(p => p.ToString()).ToHashSet();
            Assert.NotEmpty(parameters);
            Assert.All(parameters, p => Assert.Contains(p.ToString(), documented));
            Assert.NotEmpty(Session.Invoke($"(Get-Help {name}).examples.example"));
        }
    }

    public void Dispose()
    {
        _session?.Dispose();
        _database?.Dispose();
    }
}
