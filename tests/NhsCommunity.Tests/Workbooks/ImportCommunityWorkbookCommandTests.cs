using System.Management.Automation;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>Import-CommunityWorkbook in the hosted PowerShell engine, on generated workbooks (and the real ones where present).</summary>
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public sealed class ImportCommunityWorkbookCommandTests : IClassFixture<ImportCommunityWorkbookCommandTests.GeneratedFiles>, IDisposable
{
    private const string CmdletType = "NhsCommunity.Commands.ImportCommunityWorkbookCommand";

    private readonly GeneratedFiles _files;
    private readonly PowerShellSession _session = new();

    public ImportCommunityWorkbookCommandTests(GeneratedFiles files)
    {
        _files = files;
    }

    public void Dispose() => _session.Dispose();

    [Fact]
    public void Path_with_a_wildcard_reads_every_matching_workbook_and_emits_provider_records()
    {
        var output = _session.Invoke("Import-CommunityWorkbook -Path $pattern", Vars());
        Assert.Equal(_files.ProviderRecordCount, output.Count);
        Assert.All(output, o => Assert.Equal("Provider", o.Properties["OrganisationType"].Value.ToString()));
        Assert.Equal(
            _files.Specs.Select(s => s.Period).Order(),
            output.Select(o => ((Month)o.Properties["Period"].Value).ToDateTime()).Distinct().Order());
    }

    [Fact]
    public void FileInfo_objects_bind_from_the_pipeline()
    {
        var output = _session.Invoke("$files | ForEach-Object { [System.IO.FileInfo]$_ } | Import-CommunityWorkbook", Vars());
        Assert.Equal(_files.ProviderRecordCount, output.Count);
    }

    [Fact]
    public void Objects_with_a_PSPath_bind_to_LiteralPath()
    {
        var output = _session.Invoke("$files | ForEach-Object { [pscustomobject]@{ PSPath = $_ } } | Import-CommunityWorkbook", Vars());
        Assert.Equal(_files.ProviderRecordCount, output.Count);

        // Get-ChildItem's PSPath is provider-qualified.
        var qualified = _session.Invoke("$files | ForEach-Object { [pscustomobject]@{ PSPath = 'Microsoft.PowerShell.Core\\FileSystem::' + $_ } } | Import-CommunityWorkbook", Vars());
        Assert.Equal(_files.ProviderRecordCount, qualified.Count);
    }

    [Fact]
    public void Strings_bind_from_the_pipeline_and_relative_paths_resolve_from_the_current_location()
    {
        using var inDirectory = new PowerShellSession(_files.Directory.Path);
        var output = inDirectory.Invoke("$names | Import-CommunityWorkbook", new Dictionary<string, object?> { ["names"] = _files.Paths.Select(Path.GetFileName).ToArray() });
        Assert.Equal(_files.ProviderRecordCount, output.Count);
    }

    [Fact]
    public void LiteralPath_does_not_expand_wildcards()
    {
        ScriptResult result = _session.Run("Import-CommunityWorkbook -LiteralPath $pattern", Vars());
        Assert.Empty(result.Output);
        Assert.Equal("ImportCommunityWorkbookPathNotFound," + CmdletType, Assert.Single(result.Errors).FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("National")]
    [InlineData("Region")]
    [InlineData("ICB")]
    public void OrganisationType_selects_the_level(string level)
    {
        int organisations = _files.FirstExpected.Where(r => r.OrganisationType.ToString() == level).Select(r => r.OrganisationCode).Distinct().Count();
        var output = _session.Invoke($"Import-CommunityWorkbook -LiteralPath $files[0] -OrganisationType {level}", Vars());
        Assert.NotEmpty(output);
        Assert.All(output, o => Assert.Equal(level, o.Properties["OrganisationType"].Value.ToString()));
        Assert.Equal(organisations, output.Select(o => (string)o.Properties["OrganisationCode"].Value).Distinct().Count());
    }

    [Fact]
    public void OrganisationType_All_emits_every_level()
    {
        var all = _session.Invoke("Import-CommunityWorkbook -LiteralPath $files[0] -OrganisationType All", Vars());
        Assert.Equal(_files.AllRecordCounts[0], all.Count);
        Assert.Equal(["ICB", "National", "Provider", "Region"], all.Select(o => o.Properties["OrganisationType"].Value.ToString()!).Distinct().Order());
    }

    [Fact]
    public void ServiceKey_filters_with_wildcards()
    {
        var output = _session.Invoke("Import-CommunityWorkbook -LiteralPath $files[0] -ServiceKey ltc_*, audiology", Vars());
        Assert.NotEmpty(output);
        Assert.All(output, o => Assert.Matches("^(ltc_.*|audiology)$", (string)o.Properties["ServiceKey"].Value));
        Assert.Contains(output, o => (string)o.Properties["ServiceKey"].Value == "audiology");
    }

    [Fact]
    public void A_bad_file_among_good_ones_gives_one_error_and_the_good_files_are_still_read()
    {
        string bad = BadInputs.WriteTruncated(_files.Paths[0], Beside("bad", "Community-health-services-waiting-lists-2024-25-September.xlsx"));
        ScriptResult result = _session.Run(
            "Import-CommunityWorkbook -LiteralPath $files[0], $bad, $files[1]",
            new Dictionary<string, object?> { ["files"] = _files.Paths.ToArray(), ["bad"] = bad });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("WorkbookCorrupt," + CmdletType, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(bad, error.TargetObject);
        Assert.Equal(_files.ProviderRecordCounts[0] + _files.ProviderRecordCounts[1], result.Output.Count);
    }

    [Fact]
    public void A_zip_bomb_among_good_files_is_one_error_naming_file_and_sheet_and_the_good_files_are_still_read()
    {
        string bomb = WorkbookDamage.InflateSheet(_files.Paths[1], Beside("bomb", "Community-health-services-waiting-lists-2024-25-October.xlsx"), "Table 4c", 1L << 28);
        ScriptResult result = _session.Run(
            "Import-CommunityWorkbook -LiteralPath $files[0], $bomb, $files[1]",
            new Dictionary<string, object?> { ["files"] = _files.Paths.ToArray(), ["bomb"] = bomb });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("WorkbookTooLarge," + CmdletType, error.FullyQualifiedErrorId);
        Assert.Equal(bomb, error.TargetObject);
        Assert.Contains(bomb, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("sheet 'Table 4c'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(_files.ProviderRecordCounts[0] + _files.ProviderRecordCounts[1], result.Output.Count);
    }

    [Fact]
    public void A_path_that_matches_nothing_is_an_ObjectNotFound_error()
    {
        ScriptResult result = _session.Run("Import-CommunityWorkbook -Path ($dir + '/no-such-*.xlsx'), ($dir + '/missing.xlsx')", Vars());
        Assert.Empty(result.Output);
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("ImportCommunityWorkbookPathNotFound," + CmdletType, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        });
    }

    [Fact]
    public void A_folder_named_outright_is_an_error_that_says_how_to_read_its_workbooks()
    {
        ScriptResult result = _session.Run("Import-CommunityWorkbook -Path $dir", Vars());
        Assert.Empty(result.Output);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("ImportCommunityWorkbookPathIsDirectory," + CmdletType, error.FullyQualifiedErrorId);
        Assert.Contains("*.xlsx", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_can_be_stopped_on_with_ErrorAction_Stop()
    {
        string text = BadInputs.WriteText(Beside("bad", "page.xlsx"));
        ScriptResult result = _session.Run(
            "try { Import-CommunityWorkbook -LiteralPath $bad -ErrorAction Stop; 'not reached' } catch { $_.FullyQualifiedErrorId }",
            new Dictionary<string, object?> { ["bad"] = text });
        Assert.Equal("WorkbookNotAWorkbook," + CmdletType, Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void An_unknown_service_header_is_a_warning_naming_file_sheet_header_and_key()
    {
        var spec = new WorkbookSpec(new DateTime(2024, 9, 1)) { UnknownServiceHeader = "(CYP) Sleep service" };
        string path = Beside("unknown", spec.FileName);
        CommunityWorkbookWriter.Write(path, spec);
        ScriptResult result = _session.Run("Import-CommunityWorkbook -LiteralPath $p -ServiceKey sleep_service", new Dictionary<string, object?> { ["p"] = path });
        Assert.Empty(result.Errors);
        string warning = Assert.Single(result.Warnings);
        Assert.Contains(path, warning, StringComparison.Ordinal);
        Assert.Contains("'Table 4'", warning, StringComparison.Ordinal);
        Assert.Contains("(CYP) Sleep service", warning, StringComparison.Ordinal);
        Assert.Contains("'sleep_service'", warning, StringComparison.Ordinal);
        Assert.NotEmpty(result.Output);
    }

    [Fact]
    public void Progress_uses_one_activity_and_is_completed_at_the_end()
    {
        ScriptResult result = _session.Run("Import-CommunityWorkbook -Path $pattern | Out-Null", Vars());
        Assert.Single(result.Progress.Select(p => p.ActivityId).Distinct());
        Assert.Equal(_files.Paths.Count, result.Progress.Count(p => p.RecordType == ProgressRecordType.Processing));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void Records_are_typed_and_declared_as_the_output_type()
    {
        var output = _session.Invoke("(Get-Command Import-CommunityWorkbook).OutputType.Name; @(Import-CommunityWorkbook -LiteralPath $files[0])[0].GetType().FullName", Vars());
        Assert.Equal(["NhsCommunity.Workbooks.CommunityRecord", "NhsCommunity.Workbooks.CommunityRecord"], output.Select(o => o.ToString()));
    }

    [Fact]
    public void Get_Help_shows_the_synopsis_and_every_parameter_description()
    {
        // PowerShell looks for a binary module's help in <ModuleBase>/<culture>/, and ModuleBase is the manifest's folder
        // (the repository root), so the build must put NhsCommunity.dll-Help.xml in ./en-US beside NhsCommunity.psd1.
        string synopsis = _session.Invoke("(Get-Help Import-CommunityWorkbook -Full).Synopsis").Single().ToString();
        string moduleBase = _session.Invoke("(Get-Module NhsCommunity).ModuleBase").Single().ToString();
        Assert.True(
            synopsis.Trim().StartsWith("Reads NHS England Community Health Services waiting list workbooks", StringComparison.Ordinal),
            $"Get-Help found no MAML help (synopsis: '{synopsis.Trim()}'); it looks for {Path.Combine(moduleBase, "en-US", "NhsCommunity.dll-Help.xml")}.");
        foreach (string parameter in new[] { "Path", "LiteralPath", "OrganisationType", "ServiceKey" })
        {
            var description = _session.Invoke($"(Get-Help Import-CommunityWorkbook -Parameter {parameter}).description.Text -join ' '");
            Assert.False(string.IsNullOrWhiteSpace(string.Concat(description.Select(d => d.ToString()))), $"-{parameter} has no help description");
        }

        Assert.True(_session.Invoke("@((Get-Help Import-CommunityWorkbook).examples.example).Count").Single().BaseObject is int examples && examples >= 2);
    }

    [Fact]
    public void The_built_help_file_describes_the_cmdlet_and_every_parameter()
    {
        string helpFile = Path.Combine(RepositoryPaths.Root, "module", "en-US", "NhsCommunity.dll-Help.xml");
        var help = System.Xml.Linq.XDocument.Load(helpFile);
        System.Xml.Linq.XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10", maml = "http://schemas.microsoft.com/maml/2004/10";
        var import = help.Descendants(command + "command").Single(c => c.Element(command + "details")!.Element(command + "name")!.Value == "Import-CommunityWorkbook");
        Assert.False(string.IsNullOrWhiteSpace(import.Element(command + "details")!.Element(maml + "description")!.Value));
        var described = import.Element(command + "parameters")!.Elements(command + "parameter")
            .Where(p => !string.IsNullOrWhiteSpace(p.Element(maml + "description")?.Value))
            .Select(p => p.Element(maml + "name")!.Value).Order().ToArray();
        var declared = _session.Invoke("(Get-Command Import-CommunityWorkbook).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }")
            .Select(o => o.ToString()!).Order().ToArray();
        Assert.Equal(declared, described);
        Assert.True(import.Descendants(command + "example").Count() >= 2);
        Assert.All(import.Descendants(command + "example"), e => Assert.Contains("|", e.Element(System.Xml.Linq.XName.Get("code", "http://schemas.microsoft.com/maml/dev/2004/10"))!.Value, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Reads_the_real_workbooks_through_a_wildcard()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        int expected = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .Sum(f => new NhsCommunity.Workbooks.WorkbookImporter().Read(f).Records.Count(r => r.OrganisationType == NhsCommunity.Catalogue.OrganisationType.Provider));
        ScriptResult result = _session.Run("Import-CommunityWorkbook -Path $real", new Dictionary<string, object?> { ["real"] = Path.Combine(RepositoryPaths.RealWorkbookDirectory, "*.xlsx") });
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(expected, result.Output.Count);
    }

    // Files for one test go in a subfolder, out of reach of the shared folder's *.xlsx.
    private string Beside(string folder, string name)
    {
        string directory = Directory.CreateDirectory(Path.Combine(_files.Directory.Path, folder, Guid.NewGuid().ToString("N"))).FullName;
        return Path.Combine(directory, name);
    }

    private Dictionary<string, object?> Vars() => new()
    {
        ["dir"] = _files.Directory.Path,
        ["pattern"] = Path.Combine(_files.Directory.Path, "*.xlsx"),
        ["files"] = _files.Paths.ToArray(),
    };

    /// <summary>Two generated months (one whole, one split), written once for the class.</summary>
    public sealed class GeneratedFiles : IDisposable
    {
        public GeneratedFiles()
        {
            Specs = [new WorkbookSpec(new DateTime(2024, 8, 1)), new WorkbookSpec(new DateTime(2025, 1, 1))];
            var paths = new List<string>();
            foreach (WorkbookSpec spec in Specs)
            {
                string path = Directory.File(spec.FileName);
                SyntheticWorkbook workbook = CommunityWorkbookWriter.Write(path, spec);
                paths.Add(path);
                var expected = workbook.ExpectedRecords(path);
                FirstExpected = FirstExpected.Count == 0 ? expected : FirstExpected;
                ProviderRecordCounts.Add(expected.Count(r => r.OrganisationType == NhsCommunity.Catalogue.OrganisationType.Provider));
                AllRecordCounts.Add(expected.Count);
            }

            Paths = paths;
        }

        public TemporaryDirectory Directory { get; } = new();

        public IReadOnlyList<WorkbookSpec> Specs { get; }

        public IReadOnlyList<string> Paths { get; }

        public List<int> ProviderRecordCounts { get; } = [];

        public IReadOnlyList<NhsCommunity.Workbooks.CommunityRecord> FirstExpected { get; private set; } = [];

        public List<int> AllRecordCounts { get; } = [];

        public int ProviderRecordCount => ProviderRecordCounts.Sum();

        public void Dispose() => Directory.Dispose();
    }
}
