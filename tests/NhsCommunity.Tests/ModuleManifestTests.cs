using System.Xml.Linq;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests;

[Trait("Category", "Pwsh")]
public class ModuleManifestTests
{
    [Fact]
    public void Import_Module_from_the_repository_root_exports_exactly_the_manifest_cmdlets()
    {
        using var session = new PowerShellSession();
        var exported = session.Invoke("(Get-Module NhsCommunity).ExportedCmdlets.Keys").Select(o => o.ToString()).Order().ToArray();
        var declared = session.Invoke("(Test-ModuleManifest -Path ./NhsCommunity.psd1).ExportedCmdlets.Keys")
            .Select(o => o.ToString()).Order().ToArray();
        Assert.NotEmpty(exported);
        Assert.Equal(declared, exported);
    }

    [Fact]
    public void Manifest_declares_Core_edition_PowerShell_7_4_and_the_build_version()
    {
        using var session = new PowerShellSession();
        var module = session.Invoke("Get-Module NhsCommunity").Single();
        Assert.Equal(new Version(7, 4), module.Properties["PowerShellVersion"].Value);
        Assert.Contains("Core", ((IEnumerable<string>)module.Properties["CompatiblePSEditions"].Value).ToArray());

        string props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        string version = XDocument.Parse(props).Descendants("Version").Single().Value;
        Assert.Equal(new Version(version), module.Properties["Version"].Value);
    }
}
