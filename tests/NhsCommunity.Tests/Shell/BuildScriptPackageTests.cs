using System.IO.Compression;
using System.Management.Automation.Language;
using System.Xml.Linq;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Shell;

/// <summary>
/// build.ps1 -Task Package, run through the shell (no pwsh here): the .nupkg holds a manifest that loads
/// from the package folder, with the version of Directory.Build.props, the cmdlet assembly, its
/// dependencies, the help and the views, and a nuspec PowerShellGet recognises as a module.
/// </summary>
public sealed class BuildScriptPackageTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("nhscommunity-package-").FullName;

    private static string ModuleLayout => Path.Combine(RepositoryPaths.Root, "module");

    private static string PropsVersion =>
        XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public void Package_writes_a_nupkg_with_the_module_files_at_its_root()
    {
        string nupkg = Package();

        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        string[] expected =
        [
            "NhsCommunity.nuspec", "NhsCommunity.psd1", "NhsCommunity.dll", "NhsCommunity.Core.dll", "NhsCommunity.Format.ps1xml", "en-US/NhsCommunity.dll-Help.xml",
            .. Directory.GetFiles(Path.Combine(ModuleLayout, "Dependencies")).Select(f => "Dependencies/" + Path.GetFileName(f)),
        ];
        Assert.All(expected, name => Assert.Contains(name, entries));
        Assert.Contains("Dependencies/Npgsql.dll", entries);
        Assert.DoesNotContain("Dependencies/NhsCommunity.Core.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("module/", StringComparison.Ordinal));

        // The packaged files are the built ones, byte for byte.
        foreach (string name in new[] { "NhsCommunity.dll", "en-US/NhsCommunity.dll-Help.xml", "NhsCommunity.Format.ps1xml", "NhsCommunity.Core.dll", "Dependencies/Npgsql.dll" })
        {
            using var packaged = new MemoryStream();
            using (Stream entry = archive.GetEntry(name)!.Open())
            {
                entry.CopyTo(packaged);
            }

            Assert.Equal(File.ReadAllBytes(Path.Combine(ModuleLayout, name)), packaged.ToArray());
        }
    }

    [Fact]
    public void The_nuspec_names_the_module_its_version_and_the_PowerShellGet_tags()
    {
        string nupkg = Package();

        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        using Stream stream = archive.GetEntry("NhsCommunity.nuspec")!.Open();
        XElement metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

        Assert.Equal("NhsCommunity", Value("id"));
        Assert.Equal(PropsVersion, Value("version"));
        Assert.NotEmpty(Value("authors"));
        Assert.NotEmpty(Value("description"));
        string[] tags = Value("tags").Split(' ');
        Assert.Contains("PSModule", tags);
        Assert.All(ManifestValue<object[]>(RepositoryPaths.Manifest, "CmdletsToExport").Cast<string>(), cmdlet => Assert.Contains("PSCmdlet_" + cmdlet, tags));
        Assert.Equal($"NhsCommunity.{PropsVersion}.nupkg", Path.GetFileName(nupkg));
    }

    [Fact]
    public void The_packaged_manifest_points_inside_the_package_and_imports_from_it()
    {
        string nupkg = Package();
        string installed = Path.Combine(_output, "installed", "NhsCommunity");
        ZipFile.ExtractToDirectory(nupkg, installed);
        string manifest = Path.Combine(installed, "NhsCommunity.psd1");

        Assert.Equal(PropsVersion, ManifestValue<string>(manifest, "ModuleVersion"));
        Assert.Equal("NhsCommunity.dll", ManifestValue<string>(manifest, "RootModule"));
        Assert.All(ManifestValue<object[]>(manifest, "FormatsToProcess").Cast<string>(), f => Assert.True(File.Exists(Path.Combine(installed, f)), f));

        ShellResult loaded = ShellProcess.Run(["-ModulePath", installed, "-c", "$m = Get-Module NhsCommunity; $m.ModuleBase; $m.Version.ToString(); $m.ExportedCmdlets.Keys"]);
        ShellResult repository = ShellProcess.Run(["-c", "(Get-Module NhsCommunity).ExportedCmdlets.Keys"]);

        Assert.True(loaded.ExitCode == 0, loaded.ToString());
        Assert.Equal(installed, loaded.Lines[0]);
        Assert.Equal(PropsVersion, loaded.Lines[1]);
        Assert.Equal(repository.Lines.Order(), loaded.Lines.Skip(2).Order());
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    /// <summary>Runs the packaging through the shell on the module the test build laid out; returns the .nupkg.</summary>
    private string Package()
    {
        string output = Path.Combine(_output, "artifacts");
        ShellResult result = ShellProcess.Run(["-NonInteractive", "-File", Path.Combine(RepositoryPaths.Root, "build.ps1"), "-Task", "Package", "-NoBuild", "-OutputDirectory", output]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Assert.Single(Directory.GetFiles(output, "*.nupkg"));
    }

    private static T ManifestValue<T>(string path, string key)
    {
        ScriptBlockAst ast = Parser.ParseFile(path, out _, out ParseError[] errors);
        Assert.Empty(errors);
        var table = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
        var entry = table.KeyValuePairs.Single(p => p.Item1 is StringConstantExpressionAst s && s.Value == key);
        object value = ((PipelineAst)entry.Item2).GetPureExpression()!.SafeGetValue();
        return value is T typed ? typed : (T)(object)new[] { value };
    }
}
