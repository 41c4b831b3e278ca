using System.Management.Automation;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Checks;

/// <summary>Test-CommunityWorkbook in the hosted PowerShell engine, through the built module.</summary>
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class TestCommunityWorkbookCommandTests
{
    [Fact]
    public void Emits_findings_for_good_files_and_an_error_with_its_id_for_a_bad_one_and_carries_on()
    {
        using var temp = new TempDirectory();
        BadInputs.WriteRandomBytes(temp.File("Aaa-noise.xlsx"));
        var spec = new WorkbookSpec(new DateTime(2024, 8, 1)) { PaddedColumns = 0, BandSumMismatches = 2 };
        SyntheticWorkbook model = CommunityWorkbookWriter.Write(temp.File(spec.FileName), spec);

        using var session = new PowerShellSession();
        ScriptResult result = session.Run(
            "Test-CommunityWorkbook -Path ([System.IO.Path]::Combine($dir, '*.xlsx')) | Where-Object Check -eq 'BandSum'",
            new Dictionary<string, object?> { ["dir"] = temp.Path });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("WorkbookNotAWorkbook,NhsCommunity.Commands.TestCommunityWorkbookCommand", error.FullyQualifiedErrorId);
        Assert.Equal(temp.File("Aaa-noise.xlsx"), error.TargetObject);
        Assert.Contains("Aaa-noise.xlsx", error.Exception.Message, StringComparison.Ordinal);

        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal("NhsCommunity.Workbooks.Checks.WorkbookFinding", o.BaseObject.GetType().FullName));
        Assert.Equal(
            model.BandSumMismatches.Select(m => m.OrganisationCode).Order(),
            result.Output.Select(o => (string)o.Properties["OrganisationCode"].Value).Order());

        Assert.Contains(result.Progress, p => p.Activity == "Test-CommunityWorkbook" && p.RecordType == ProgressRecordType.Processing);
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [SkippableFact]
    public void On_the_real_workbooks_only_band_sums_are_found_and_they_match_the_core_checker()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        using var session = new PowerShellSession();
        ScriptResult result = session.Run(
            "Test-CommunityWorkbook -Path ([System.IO.Path]::Combine($dir, '*.xlsx'))",
            new Dictionary<string, object?> { ["dir"] = RepositoryPaths.RealWorkbookDirectory });

        Assert.Empty(result.Errors);
        Assert.All(result.Output, o => Assert.Equal("BandSum", o.Properties["Check"].Value.ToString()));
        int expected = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .Sum(f => new NhsCommunity.Workbooks.Checks.WorkbookChecker().Check(new NhsCommunity.Workbooks.WorkbookImporter().Read(f)).Count());
        Assert.Equal(expected, result.Output.Count);
        Assert.Equal(4, result.Output.Select(o => o.Properties["File"].Value).Distinct().Count());
    }

    [Fact]
    public void FileInfo_objects_bind_by_property_name_and_Check_filters_the_findings()
    {
        using var temp = new TempDirectory();
        var spec = new WorkbookSpec(new DateTime(2025, 1, 1)) { PaddedColumns = 0, FileNameMonth = new DateTime(2024, 12, 1), BandSumMismatches = 1 };
        string path = temp.File(spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);

        using var session = new PowerShellSession();
        var output = session.Invoke(
            "[System.IO.FileInfo]$file | Test-CommunityWorkbook -Check FileName",
            new Dictionary<string, object?> { ["file"] = path });

        PSObject finding = Assert.Single(output);
        Assert.Equal("FileName", finding.Properties["Check"].Value.ToString());
        Assert.Equal("January 2025", finding.Properties["Expected"].Value);
        Assert.Equal("December 2024", finding.Properties["Actual"].Value);
        Assert.Equal(path, finding.Properties["File"].Value);
        Assert.Equal(new Month(2025, 1), finding.Properties["Period"].Value);
    }

    [Fact]
    public void Paths_that_name_nothing_are_errors_and_an_invalid_check_name_is_refused()
    {
        using var temp = new TempDirectory();
        using var session = new PowerShellSession();
        ScriptResult missing = session.Run("Test-CommunityWorkbook -LiteralPath ([System.IO.Path]::Combine($dir, 'absent.xlsx'))", new Dictionary<string, object?> { ["dir"] = temp.Path });
        Assert.Equal("TestCommunityWorkbookPathNotFound,NhsCommunity.Commands.TestCommunityWorkbookCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);

        ScriptResult invalid = session.Run("try { Test-CommunityWorkbook -Path x.xlsx -Check Nonsense } catch { $_.FullyQualifiedErrorId }");
        Assert.StartsWith("CannotConvertArgumentNoMessage,", Assert.Single(invalid.Output).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_has_synopsis_description_every_parameter_and_a_piped_example()
    {
        using var session = new PowerShellSession();
        PSObject help = Assert.Single(session.Invoke("Get-Help Test-CommunityWorkbook -Full"));
        Assert.Contains("checks", help.Properties["Synopsis"].Value.ToString(), StringComparison.OrdinalIgnoreCase);

        string[] documented = session.Invoke("(Get-Help Test-CommunityWorkbook -Full).parameters.parameter | ForEach-Object { $_.name }")
            .Select(o => o.ToString()).Order().ToArray();
        string[] declared = session.Invoke(
            "(Get-Command Test-CommunityWorkbook).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }")
            .Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(declared, documented);

        var examples = session.Invoke("(Get-Help Test-CommunityWorkbook -Full).examples.example | ForEach-Object { $_.code }").Select(o => o.ToString()).ToArray();
        Assert.Contains(examples, e => e.Contains("| Test-CommunityWorkbook", StringComparison.Ordinal));
    }

    [Fact]
    public void The_built_format_file_has_a_table_view_of_check_severity_organisation_service_expected_actual()
    {
        var formats = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryPaths.Root, "module", "NhsCommunity.Format.ps1xml"));
        var view = formats.Descendants("View").Single(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == "NhsCommunity.Workbooks.Checks.WorkbookFinding");
        Assert.Equal(["Check", "Severity", "Org", "ServiceKey", "Expected", "Actual"], view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));
        Assert.Equal(
            ["Check", "Severity", "OrganisationCode", "ServiceKey", "Expected", "Actual"],
            view.Descendants("TableColumnItem").Select(i => i.Element("PropertyName")!.Value));

        // Every property the view names exists on the type.
        var properties = typeof(NhsCommunity.Workbooks.Checks.WorkbookFinding).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.All(view.Descendants("PropertyName").Select(p => p.Value), name => Assert.Contains(name, properties));
    }
}
