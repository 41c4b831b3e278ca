using System.Management.Automation;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// Tab completion of trust codes and periods on the module's own parameters, asked through TabExpansion2
/// as the prompt asks, against a real database.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class CompletionTests : IClassFixture<ApiDatabase>, IDisposable
{
    private readonly ApiDatabase _database;
    private readonly PowerShellSession _session = new();

    public CompletionTests(ApiDatabase database) => _database = database;

    public static TheoryData<string> TrustCodeParameters() => new()
    {
        "Get-CommunityWaitingList -TrustCode",
        "Test-CommunityCoverage -TrustCode",
        "Export-CommunityReport -Path ./report -TrustCode",
        "Update-TrustMetrics -TrustCode",
    };

    public static TheoryData<string> PeriodParameters() => new()
    {
        "Get-CommunityWaitingList -Period",
        "Update-TrustMetrics -Period",
        "Test-CommunityCoverage -From",
        "Test-CommunityCoverage -To",
        "Get-CommunityWaitingList -From",
        "Export-CommunityReport -Path ./report -To",
    };

    [SkippableTheory]
    [MemberData(nameof(TrustCodeParameters))]
    public void Trust_codes_complete_from_the_database(string command)
    {
        string line = $"{command} R0";
        Assert.Equal(["R01", "R02", "R03", "R04", "R05", "R06"], Complete(line));
        Assert.Equal(["R03"], Complete($"{command} 3"));
    }

    [SkippableTheory]
    [MemberData(nameof(PeriodParameters))]
    public void Periods_complete_as_months_newest_first_never_as_file_names(string command)
    {
        Assert.Equal(["2024-10", "2024-09", "2024-08"], Complete($"{command} "));
        Assert.Equal(["2024-09"], Complete($"{command} 2024-09"));
    }

    [SkippableFact]
    public void With_the_connection_in_the_environment_the_completers_use_it()
    {
        string connection = _database.ConnectionString;
        _session.Invoke("$env:NHSCOMMUNITY_CONNECTION = $cs", new Dictionary<string, object?> { ["cs"] = connection });
        try
        {
            Assert.Equal(["R05"], Complete("Get-CommunityWaitingList -TrustCode r05", withConnection: false));
        }
        finally
        {
            _session.Invoke("$env:NHSCOMMUNITY_CONNECTION = $null");
        }
    }

    public void Dispose() => _session.Dispose();

    private List<string> Complete(string line, bool withConnection = true)
    {
        // "Cmd -Rest" becomes "Cmd -ConnectionString '...' -Rest".
        int first = line.IndexOf(" -", StringComparison.Ordinal);
        string input = withConnection ? line[..first] + $" -ConnectionString '{_database.ConnectionString}'" + line[first..] : line;

        PSObject result = _session.Invoke("TabExpansion2 -inputScript $line -cursorColumn $line.Length", new Dictionary<string, object?> { ["line"] = input }).Single();
        return ((CommandCompletion)result.BaseObject).CompletionMatches.Select(c => c.CompletionText).ToList();
    }
}
