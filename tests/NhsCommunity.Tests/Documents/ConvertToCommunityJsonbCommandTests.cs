using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Documents;

/// <summary>ConvertTo-CommunityJsonb in the engine, on records built in the script itself.</summary>
[Trait("Category", "Pwsh")]
public class ConvertToCommunityJsonbCommandTests
{
    // A provider record; the script's $make builds one per call so the pipeline carries typed CommunityRecords.
    // The record type lives in the module's core, which loads with the first call of a cmdlet (here with no input).
    private const string MakeRecord = """
        $null = ConvertTo-CommunityJsonb -InputObject @()
        $make = {
            param($code, $type = 'Provider', $period = '2024-08-01', $file = '/data/chs/august.xlsx', $published = '2024-10-10', $total = 3)
            [NhsCommunity.Workbooks.CommunityRecord]@{
                Period = [datetime]$period; OrganisationType = $type; OrganisationCode = $code; OrganisationName = "$code TRUST"
                Category = 'Adult'; Service = '(A) Audiology'; ServiceKey = 'audiology'
                TotalWaiting = $total; Wait0To1Weeks = 1; Wait1To2Weeks = 1; Wait2To4Weeks = 1; Wait4To12Weeks = 0
                Wait12To18Weeks = 0; Wait18To52Weeks = 0; Wait52PlusWeeks = 0
                LastUpdated = [datetime]$published; SourceFile = $file
            }
        }

        """;

    [Fact]
    public void Pipes_records_into_sorted_documents_of_NHS_trusts_only_with_one_verbose_note_per_kind()
    {
        using var session = new PowerShellSession();
        ScriptResult result = session.Run(MakeRecord + """
            (& $make 'RGT' -period '2024-12-01' -file 'dec.xlsx' -published '2025-02-13'),
            (& $make 'TAD'), (& $make 'NQV'), (& $make 'AXG'),
            (& $make '' 'National'), (& $make 'Y56' 'Region'), (& $make 'QE1' 'ICB'),
            (& $make 'RGT') | ConvertTo-CommunityJsonb -Verbose
            """);

        Assert.Equal([], result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e));
        Assert.Equal(
            ["2024-08 RGT", "2024-08 TAD", "2024-12 RGT"],
            result.Output.Select(o => $"{(Month)o.Properties["Period"].Value:yyyy-MM} {o.Properties["TrustCode"].Value}"));
        Assert.All(result.Output, o => Assert.Equal("NhsCommunity.Documents.CommunityDocument", o.BaseObject.GetType().FullName));
        PSObject tad = result.Output[1];
        Assert.Equal(1, tad.Properties["ServicesReported"].Value);
        Assert.Equal(3L, tad.Properties["TotalWaitingAllServices"].Value);
        Assert.Equal(0, tad.Properties["ServicesWith52PlusBreaches"].Value);
        Assert.Contains("\"source_file\":\"august.xlsx\"", (string)tad.Properties["Json"].Value);
        Assert.Single(result.Verbose, v => v.Contains("not at provider level", StringComparison.Ordinal) && v.Contains("3 records", StringComparison.Ordinal));
        Assert.Single(result.Verbose, v => v.Contains("AXG, NQV", StringComparison.Ordinal));
    }

    [Fact]
    public void IncludeNonNhs_keeps_the_other_providers()
    {
        using var session = new PowerShellSession();
        var output = session.Invoke(MakeRecord + "(& $make 'NQV'), (& $make 'RGT') | ConvertTo-CommunityJsonb -IncludeNonNhs");

        Assert.Equal(["NQV", "RGT"], output.Select(o => o.Properties["TrustCode"].Value));
    }

    [Fact]
    public void Conflicting_editions_raise_a_catchable_error_and_the_other_months_still_come_out()
    {
        using var session = new PowerShellSession();
        ScriptResult result = session.Run(MakeRecord + """
            (& $make 'RGT' -file 'a.xlsx'), (& $make 'RGT' -file 'b.xlsx' -total 4), (& $make 'RGT' -period '2024-12-01') | ConvertTo-CommunityJsonb
            """);

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("ConvertToCommunityJsonbConflictingEditions,NhsCommunity.Commands.ConvertToCommunityJsonbCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(new DateTime(2024, 8, 1), error.TargetObject);
        Assert.Equal(new Month(2024, 12), Assert.Single(result.Output).Properties["Period"].Value);
    }

    [Fact]
    public void A_revised_edition_supersedes_the_original_with_a_warning()
    {
        using var session = new PowerShellSession();
        ScriptResult result = session.Run(MakeRecord + """
            (& $make 'RGT' -file 'revised.xlsx' -published '2024-11-14' -total 4), (& $make 'RGT' -file 'original.xlsx') | ConvertTo-CommunityJsonb
            """);

        Assert.Empty(result.Errors);
        Assert.Equal("revised.xlsx", Assert.Single(result.Output).Properties["SourceFile"].Value);
        Assert.Contains("original.xlsx", Assert.Single(result.Warnings));
    }

    [Fact]
    public void The_format_view_has_the_five_columns_and_help_covers_every_parameter()
    {
        using var session = new PowerShellSession();
        string formatFile = Assert.Single(
            session.Invoke("(Get-Module NhsCommunity).ExportedFormatFiles").Select(o => o.ToString()),
            f => f!.EndsWith("NhsCommunity.Format.ps1xml", StringComparison.Ordinal))!;

        // The engine loads the joined file without complaint, and its view for CommunityDocument has the five columns.
        _ = new FormatTable([formatFile]);
        XElement view = XDocument.Load(formatFile).Descendants("View")
            .Single(v => v.Descendants("TypeName").Any(t => t.Value == "NhsCommunity.Documents.CommunityDocument"));
        Assert.Equal(
            ["TrustCode", "Period", "ServicesReported", "TotalWaitingAllServices", "ServicesWith52PlusBreaches"],
            view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));

        // Help: the MAML fragment documents the cmdlet, every parameter it has, and a piped backfill example.
        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        XElement help = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity", "Help", "ConvertTo-CommunityJsonb.xml")).Root!;
        Assert.Equal("ConvertTo-CommunityJsonb", help.Element(command + "details")!.Element(command + "name")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(help.Element(command + "details")!.Element(maml + "description")!.Value));
        var documented = help.Element(command + "parameters")!.Elements(command + "parameter")
            .Where(p => !string.IsNullOrWhiteSpace(p.Element(maml + "description")?.Value))
            .Select(p => p.Element(maml + "name")!.Value).Order().ToArray();
        var declared = session.Invoke("""
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            (Get-Command ConvertTo-CommunityJsonb).Parameters.Keys | Where-Object { $_ -notin $common }
            """).Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(declared, documented);
        Assert.Contains(
            help.Descendants(dev + "code"),
            c => c.Value.Contains("Import-CommunityWorkbook -Path ./chs/*.xlsx | ConvertTo-CommunityJsonb | Update-TrustMetrics", StringComparison.Ordinal));

        Assert.Equal(
            ["NhsCommunity.Documents.CommunityDocument"],
            session.Invoke("(Get-Command ConvertTo-CommunityJsonb).OutputType.Name").Select(o => o.ToString()));
    }
}
