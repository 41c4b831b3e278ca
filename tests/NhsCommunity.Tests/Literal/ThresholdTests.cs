using System.Text.Json.Nodes;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Tests.Coverage;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;
using CoverageSeverity = NhsCommunity.Coverage.FindingSeverity;

namespace NhsCommunity.Tests.Literal;

/// <summary>
/// Every threshold of the cmdlets and the coverage checks, with values exactly at it and one step past it:
/// -MinTotalWaiting and -Min52PlusWeeks of Get-CommunityWaitingList (at least: the value itself is in), -From and
/// -To of the database cmdlets (whole months: any day of the first and last month is in), the BandSum tolerance
/// (Info up to 1% of the total or 2 patients, Warning beyond) and NegativeCount (below zero; zero is a count).
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class ThresholdTests : IDisposable
{
    private static readonly DateTime October = Month(2024, 10);
    private static readonly DateTime November = Month(2024, 11);
    private static readonly DateTime December = Month(2024, 12);

    private readonly CoverageTestDatabase? _database;
    private readonly PowerShellSession? _session;

    public ThresholdTests()
    {
        if (!TestPostgres.IsAvailable)
        {
            return;
        }

        _database = new CoverageTestDatabase("thresholds");

        // Waiting-list filters: audiology with 5000 waiting (500 over 52 weeks) and with 4999 (499).
        _database.Insert("R0A", November, Document(November, (ServiceCategory.Adult, "audiology", 5000)).ToJsonString());
        _database.Insert("R0B", November, Document(November, (ServiceCategory.Adult, "audiology", 4999)).ToJsonString());

        // Month bounds: one trust in October, November and December.
        foreach (DateTime month in new[] { October, November, December })
        {
            _database.Insert("R0C", month, Document(month, (ServiceCategory.Adult, "podiatry", 100)).ToJsonString());
        }

        // BandSum: the bands add up to the second figure, total_waiting says the first.
        foreach (var (code, total, bands) in new[] { ("R1A", 1000, 1010), ("R1B", 1000, 1011), ("R1C", 1000, 990), ("R1D", 1000, 989), ("R1E", 100, 102), ("R1F", 100, 103) })
        {
            JsonObject document = Document(November, (ServiceCategory.Adult, "podiatry", bands));
            document["adult_services"]!["podiatry"]!["total_waiting"] = total;
            document["metadata"]!["total_waiting_all_services"] = total;
            _database.Insert(code, November, document.ToJsonString());
        }

        // NegativeCount: a band of -1 and a band of 0 (the 0-1 week band moved into the 1-2 week band, sums kept).
        foreach (var (code, value) in new[] { ("R2A", -1), ("R2B", 0) })
        {
            JsonObject document = Document(November, (ServiceCategory.Adult, "podiatry", 100));
            JsonNode service = document["adult_services"]!["podiatry"]!;
            long first = service["wait_0_1_weeks"]!.GetValue<long>();
            service["wait_0_1_weeks"] = value;
            service["wait_1_2_weeks"] = service["wait_1_2_weeks"]!.GetValue<long>() + first - value;
            _database.Insert(code, November, document.ToJsonString());
        }

        _session = new PowerShellSession();
    }

    public void Dispose()
    {
        _session?.Dispose();
        _database?.Dispose();
    }

    private PowerShellSession Session
    {
        get
        {
            Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
            return _session!;
        }
    }

    private string[] TrustCodes(string script) =>
        Session.Invoke(script, new Dictionary<string, object?> { ["cs"] = _database!.ConnectionString })
            .Select(o => (string)o.Properties["TrustCode"].Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    private string[] Months(string script) =>
        Session.Invoke(script, new Dictionary<string, object?> { ["cs"] = _database!.ConnectionString })
            .Select(o => ((Month)o.Properties["Period"].Value).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order(StringComparer.Ordinal).ToArray();

    private CoverageReport Report(CoverageEvaluation evaluation)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var connection = new NpgsqlConnection(_database!.ConnectionString);
        connection.Open();
        return CoverageAnalyzer.Run(connection, new CoverageScope(), evaluation: evaluation);
    }

    [SkippableFact]
    public void MinTotalWaiting_keeps_a_service_with_exactly_that_many_and_drops_one_fewer()
    {
        Assert.Equal(["R0A"], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -MinTotalWaiting 5000"));
        Assert.Equal(["R0A", "R0B"], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -MinTotalWaiting 4999"));
        Assert.Equal([], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -MinTotalWaiting 5001"));
    }

    [SkippableFact]
    public void Min52PlusWeeks_keeps_a_service_with_exactly_that_many_and_drops_one_fewer()
    {
        Assert.Equal(["R0A"], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -Min52PlusWeeks 500"));
        Assert.Equal(["R0A", "R0B"], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -Min52PlusWeeks 499"));
        Assert.Equal([], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -Min52PlusWeeks 501"));
    }

    [SkippableFact]
    public void The_minimums_take_zero_and_refuse_a_negative_number()
    {
        Assert.Equal(["R0A", "R0B"], TrustCodes("Get-CommunityWaitingList -ConnectionString $cs -Service audiology -MinTotalWaiting 0 -Min52PlusWeeks 0"));
        foreach (string parameter in new[] { "MinTotalWaiting", "Min52PlusWeeks" })
        {
            ScriptResult result = Session.Run($"Get-CommunityWaitingList -ConnectionString $cs -{parameter} -1", new Dictionary<string, object?> { ["cs"] = _database!.ConnectionString });
            Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void From_and_To_take_whole_months_any_day_of_the_first_and_last_month_is_in()
    {
        // The last day of November as -From and the first day of November as -To: November alone.
        Assert.Equal(["2024-11"], Months("Get-CommunityWaitingList -ConnectionString $cs -TrustCode R0C -From 2024-11-30 -To 2024-11-01"));
        Assert.Equal(["2024-11"], Months("(Test-CommunityCoverage -ConnectionString $cs -TrustCode R0C -From 2024-11-30 -To 2024-11-01).Coverage"));
        Assert.Equal(["2024-10", "2024-11"], Months("Get-CommunityWaitingList -ConnectionString $cs -TrustCode R0C -To 2024-11-30"));
        Assert.Equal(["2024-11", "2024-12"], Months("Get-CommunityWaitingList -ConnectionString $cs -TrustCode R0C -From 2024-11-01"));
        Assert.Equal(["2024-12"], Months("(Test-CommunityCoverage -ConnectionString $cs -TrustCode R0C -From 2024-12-31).Coverage"));
    }

    [SkippableTheory]
    [InlineData(CoverageEvaluation.PlainDocumentsInClient)]
    [InlineData(CoverageEvaluation.SqlOnly)]
    public void BandSum_is_Info_up_to_1_percent_or_2_patients_and_a_Warning_one_past_it(CoverageEvaluation evaluation)
    {
        CoverageReport report = Report(evaluation);

        Assert.Equal(
            [
                ("R1A", CoverageSeverity.Info, "total_waiting is 1000 but the bands add up to 1010 (+10)."),
                ("R1B", CoverageSeverity.Warning, "total_waiting is 1000 but the bands add up to 1011 (+11)."),
                ("R1C", CoverageSeverity.Info, "total_waiting is 1000 but the bands add up to 990 (-10)."),
                ("R1D", CoverageSeverity.Warning, "total_waiting is 1000 but the bands add up to 989 (-11)."),
                ("R1E", CoverageSeverity.Info, "total_waiting is 100 but the bands add up to 102 (+2)."),
                ("R1F", CoverageSeverity.Warning, "total_waiting is 100 but the bands add up to 103 (+3)."),
            ],
            report.Findings.Where(f => f.Check == "BandSum").Select(f => (f.TrustCode!, f.Severity, f.Detail)));
    }

    [SkippableTheory]
    [InlineData(CoverageEvaluation.PlainDocumentsInClient)]
    [InlineData(CoverageEvaluation.SqlOnly)]
    public void NegativeCount_finds_minus_one_and_not_zero(CoverageEvaluation evaluation)
    {
        CoverageReport report = Report(evaluation);

        Assert.Equal(["R2A"], report.Findings.Where(f => f.Check == "NegativeCount").Select(f => f.TrustCode!));
    }
}
