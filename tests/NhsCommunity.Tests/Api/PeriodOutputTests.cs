using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Tests.Workbooks;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// Period is a Month in PowerShell: records of generated workbooks export as "2024-08" (not a culture's
/// midnight timestamp), and sort, group, compare with text and cast to [datetime] as a month should.
/// The hosted engine has no Utility module (ConvertTo-Csv, Sort-Object, Group-Object): those run in real pwsh.
/// </summary>
public sealed class PeriodOutputTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly PowerShellSession _session = new();
    private readonly string _augustFile;
    private readonly string _januaryFile;
    private readonly int _august;
    private readonly int _january;

    public PeriodOutputTests()
    {
        var august = new WorkbookSpec(new DateTime(2024, 8, 1));
        var january = new WorkbookSpec(new DateTime(2025, 1, 1));
        _augustFile = _directory.File(august.FileName);
        _januaryFile = _directory.File(january.FileName);
        _august = Providers(CommunityWorkbookWriter.Write(_augustFile, august), _augustFile);
        _january = Providers(CommunityWorkbookWriter.Write(_januaryFile, january), _januaryFile);
    }

    [SkippableFact]
    public void ConvertTo_Csv_writes_yyyy_MM_and_Sort_and_Group_Object_work_by_month_in_pwsh()
    {
        Skip.IfNot(PwshProcess.IsAvailable, PwshProcess.NotInstalledReason);
        // January first, so that sorting has something to do.
        PwshResult result = PwshProcess.Run($$"""
            $records = Import-CommunityWorkbook -LiteralPath '{{_januaryFile}}', '{{_augustFile}}'
            $records | Where-Object Period -eq '2024-08' | Select-Object -First 2 | ConvertTo-Csv
            'sorted ' + (($records | Sort-Object Period | ForEach-Object { "$($_.Period)" } | Get-Unique) -join ' ')
            'descending ' + ($records | Sort-Object Period -Descending | Select-Object -First 1).Period
            $records | Group-Object Period | Sort-Object Name | ForEach-Object { "group $($_.Name) $($_.Count)" }
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = [.. result.Lines];
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("\"Period\",", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("\"2024-08\",", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("\"2024-08\",", lines[2], StringComparison.Ordinal);
        Assert.Equal(
            ["sorted 2024-08 2025-01", "descending 2025-01", $"group 2024-08 {_august}", $"group 2025-01 {_january}"],
            lines[3..]);
    }

    [Fact]
    public void Period_compares_with_month_text_and_dates_in_the_hosted_engine()
    {
        var counts = _session.Invoke(
            """
            $records = Import-CommunityWorkbook -LiteralPath $files
            @($records | Where-Object Period -eq '2024-08').Count
            @($records | Where-Object { $_.Period -eq '2025-01-01' }).Count
            @($records | Where-Object { $_.Period -eq [datetime]'2024-08-01' }).Count
            @($records | Where-Object { $_.Period -gt '2024-12' }).Count
            @($records | Where-Object { $_.Period.Month -eq 8 }).Count
            """,
            new Dictionary<string, object?> { ["files"] = new[] { _januaryFile, _augustFile } });
        Assert.Equal([_august, _january, _august, _january, _august], counts.Select(c => (int)c.BaseObject));
    }

    [Fact]
    public void Period_is_a_Month_that_reads_as_yyyy_MM_and_casts_to_its_first_day()
    {
        var first = _session.Invoke(
            """
            $record = @(Import-CommunityWorkbook -LiteralPath $august)[0]
            $record.Period -is [NhsCommunity.Month]
            [string]$record.Period
            "$($record.Period)"
            ([datetime]$record.Period).ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture)
            $record.Period.ToString('MMMM yyyy', [cultureinfo]::InvariantCulture)
            "$($record.Period.Year) $($record.Period.Number) $($record.Period.Month)"
            ([NhsCommunity.Month]'2024-08').Equals($record.Period)
            """,
            new Dictionary<string, object?> { ["august"] = _augustFile });
        Assert.Equal(["True", "2024-08", "2024-08", "2024-08-01 00:00:00", "August 2024", "2024 8 8", "True"], first.Select(o => o.ToString()));
    }

    public void Dispose()
    {
        _session.Dispose();
        _directory.Dispose();
    }

    private static int Providers(SyntheticWorkbook workbook, string path) =>
        workbook.ExpectedRecords(path).Count(r => r.OrganisationType == OrganisationType.Provider);
}
