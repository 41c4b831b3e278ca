using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// Periods are months: -Period/-From/-To take 2025-07, ISO dates and month names, refuse day/month text
/// whatever the culture, and periods are shown (and exported) as yyyy-MM.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class MonthParameterTests : IClassFixture<ApiDatabase>, IDisposable
{
    private readonly ApiDatabase _database;
    private readonly PowerShellSession _session = new();

    public MonthParameterTests(ApiDatabase database) => _database = database;

    [Theory]
    [InlineData("2025-07", "2025-07-01")]
    [InlineData("2025-7", "2025-07-01")]
    [InlineData("2025-07-01", "2025-07-01")]
    [InlineData("2025-07-31", "2025-07-01")]
    [InlineData("2025-07-31T23:59:59", "2025-07-01")]
    [InlineData(" 2024-12 ", "2024-12-01")]
    [InlineData("July 2025", "2025-07-01")]
    [InlineData("Jan 2025", "2025-01-01")]
    public void Month_text_reads_as_the_first_day_of_its_month(string text, string expected)
    {
        Assert.Equal(expected, MonthText.Parse(text).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("01/07/2025", "'01/07/2025' is ambiguous")]
    [InlineData("7.1.2025", "'7.1.2025' is ambiguous")]
    [InlineData("01-07-2025", "'01-07-2025' is ambiguous")]
    [InlineData("2025-13", "'2025-13' is not a month")]
    [InlineData("2025-02-30", "'2025-02-30' is not a month")]
    [InlineData("last month", "'last month' is not a month")]
    public void Other_text_is_refused_saying_how_to_write_a_month(string text, string start)
    {
        var e = Assert.Throws<FormatException>(() => MonthText.Parse(text));
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM, e.g. 2025-07", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> MonthParameters() => new()
    {
        "Get-CommunityWaitingList -Period",
        "Get-CommunityWaitingList -From",
        "Test-CommunityCoverage -To",
        "Export-CommunityReport -Path ./never -From",
        "Update-TrustMetrics -TrustCode R01 -Json '{}' -Period",
    };

    [Theory]
    [MemberData(nameof(MonthParameters))]
    public void Every_month_parameter_refuses_01_07_2025_in_any_culture_with_a_message_saying_yyyy_MM(string command)
    {
        ScriptResult result = _session.Run($"[cultureinfo]::CurrentCulture = 'en-GB'; {command} 01/07/2025 -ConnectionString 'Host=127.0.0.1;Port=1' -WhatIf");

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("ParameterArgumentTransformationError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("'01/07/2025' is ambiguous", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Write the month as yyyy-MM, e.g. 2025-07.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Every_month_parameter_has_the_one_transformation()
    {
        var parameters = _session.Invoke("""
            Get-Command -Module NhsCommunity | ForEach-Object {
                foreach ($p in $_.Parameters.Values) {
                    if ($p.ParameterType -in [datetime], [Nullable[datetime]], [datetime[]]) {
                        "$($_.Name) -$($p.Name) $(@($p.Attributes | Where-Object { $_ -is [NhsCommunity.Commands.MonthAttribute] }).Count)"
                    }
                }
            }
            """).Select(o => o.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                "Export-CommunityReport -From 1", "Export-CommunityReport -To 1", "Get-CommunityHistory -Period 1", "Get-CommunityLoad -Period 1", "Get-CommunityWaitingList -From 1", "Get-CommunityWaitingList -Period 1",
                "Get-CommunityWaitingList -To 1", "Test-CommunityCoverage -From 1", "Test-CommunityCoverage -To 1", "Update-TrustMetrics -Period 1",
            ],
            parameters);
    }

    [SkippableTheory]
    [InlineData("2024-09")]
    [InlineData("2024-09-17")]
    [InlineData("'September 2024'")]
    [InlineData("([datetime]'2024-09-30')")]
    public void A_month_in_any_accepted_form_selects_that_month_from_the_database(string period)
    {
        var months = _session.Invoke(
            $"Get-CommunityWaitingList -ConnectionString $cs -Period {period} | ForEach-Object {{ $_.Period.ToString('yyyy-MM-dd') }}",
            new Dictionary<string, object?> { ["cs"] = _database.ConnectionString });
        Assert.Equal(6, months.Count);
        Assert.Equal(["2024-09-01"], months.Select(o => o.ToString()).Distinct());
    }

    [SkippableFact]
    public void From_and_To_take_months()
    {
        var rows = _session.Invoke(
            "(Test-CommunityCoverage -ConnectionString $cs -From 2024-09 -To 2024-10-31 -TrustCode R01).Coverage | ForEach-Object { $_.Period.ToString('yyyy-MM') }",
            new Dictionary<string, object?> { ["cs"] = _database.ConnectionString });
        Assert.Equal(["2024-09", "2024-10"], rows.Select(o => o.ToString()));
    }

    /// <summary>Export-Csv as users run it, in pwsh: the trust mapping's months and a backfill summary's are yyyy-MM text.</summary>
    [SkippableFact]
    public void Export_Csv_writes_periods_as_yyyy_MM()
    {
        string connection = _database.ConnectionString;
        Skip.IfNot(PwshProcess.IsAvailable, PwshProcess.NotInstalledReason);
        using var temp = new Fixtures.TempDirectory();
        string csv = temp.File("mapping.csv");

        PwshResult result = PwshProcess.Run($$"""
            $august = [NhsCommunity.Workbooks.CommunityRecord]@{ Period = '2024-08-01'; OrganisationType = 'Provider'; OrganisationCode = 'R03'; OrganisationName = 'SYNTHETIC 3 NHS TRUST'; ServiceKey = 'audiology'; TotalWaiting = 7 }
            $october = [NhsCommunity.Workbooks.CommunityRecord]@{ Period = '2024-10-01'; OrganisationType = 'Provider'; OrganisationCode = 'R03'; OrganisationName = 'SYNTHETIC 3 NHS TRUST'; ServiceKey = 'audiology'; TotalWaiting = 7 }
            $august, $october | Get-TrustMapping -ConnectionString '{{connection}}' | Where-Object TrustCode -in 'R01', 'R03' | Export-Csv -LiteralPath '{{csv}}'
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "\"TrustCode\",\"Status\",\"WorkbookName\",\"DatabaseName\",\"IsNhsTrust\",\"NameDiffers\",\"NameDifference\",\"Periods\",\"PeriodCount\",\"FirstPeriod\",\"LastPeriod\"",
                "\"R01\",\"InDatabaseNotInWorkbooks\",\"\",\"SYNTHETIC 1 NHS TRUST\",\"True\",\"False\",\"\",\"\",\"0\",,",
                "\"R03\",\"Matched\",\"SYNTHETIC 3 NHS TRUST\",\"SYNTHETIC 3 NHS TRUST\",\"True\",\"False\",\"\",\"2024-08;2024-10\",\"2\",\"2024-08\",\"2024-10\"",
            ],
            File.ReadAllLines(csv));
    }

    public void Dispose() => _session.Dispose();
}
