using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// The module's own types can be named in scripts ([NhsCommunity....], -is, typed parameters, static calls),
/// while its packages stay isolated: in pwsh, where only the module's Resolving handler can find them,
/// another module's older Npgsql loads beside ours in either order, and no package type is in a cmdlet's
/// parameters or outputs.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class ModuleTypeTests : IClassFixture<ApiDatabase>
{
    private static readonly string[] PackageAssemblies =
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "module", "Dependencies"), "*.dll").Select(Path.GetFileNameWithoutExtension)!];

    private readonly ApiDatabase _database;

    public ModuleTypeTests(ApiDatabase database) => _database = database;

    private const string TypeScript = """
        $record = @(Import-CommunityWorkbook -Path $file)[0]
        function Get-Key { param([Parameter(Mandatory)][NhsCommunity.Workbooks.CommunityRecord] $Record) $Record.ServiceKey }
        "type=$([NhsCommunity.Workbooks.CommunityRecord].FullName)"
        "is=$($record -is [NhsCommunity.Workbooks.CommunityRecord])"
        "typed=$(Get-Key -Record $record)"
        "static=$([NhsCommunity.Catalogue.ServiceCatalogue]::Keys.Count)"
        """;

    [Fact]
    public void In_a_fresh_engine_the_output_types_can_be_named_tested_and_used_as_parameter_types()
    {
        using var temp = new TempDirectory();
        string file = temp.File(new WorkbookSpec(new DateTime(2024, 8, 1)).FileName);
        CommunityWorkbookWriter.Write(file, new WorkbookSpec(new DateTime(2024, 8, 1)));

        using var session = new PowerShellSession();
        var lines = session.Invoke(TypeScript, new Dictionary<string, object?> { ["file"] = file }).Select(o => o.ToString()).ToList();

        Assert.Equal(["type=NhsCommunity.Workbooks.CommunityRecord", "is=True", $"typed={FirstServiceKey(file)}", $"static={ServiceCatalogue.Keys.Count}"], lines);
    }

    [SkippableFact]
    public void In_pwsh_the_module_types_are_in_the_default_context_and_the_packages_in_the_modules_own()
    {
        string connection = _database.ConnectionString;
        Skip.IfNot(PwshProcess.IsAvailable, PwshProcess.NotInstalledReason);
        using var temp = new TempDirectory();
        string file = temp.File(new WorkbookSpec(new DateTime(2024, 8, 1)).FileName);
        CommunityWorkbookWriter.Write(file, new WorkbookSpec(new DateTime(2024, 8, 1)));

        PwshResult result = PwshProcess.Run($$"""
            $file = '{{file}}'
            {{TypeScript}}
            "rows=$(@(Get-CommunityWaitingList -ConnectionString '{{connection}}' -TrustCode R01).Count)"
            {{ContextsScript}}
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "type=NhsCommunity.Workbooks.CommunityRecord", "is=True", $"typed={FirstServiceKey(file)}", $"static={ServiceCatalogue.Keys.Count}", "rows=3",
                "NhsCommunity Default", "NhsCommunity.Core Default", "Npgsql 10.0.3.0 NhsCommunity",
            ],
            result.Lines);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void In_pwsh_another_modules_older_Npgsql_loads_beside_ours_in_either_order(bool otherFirst)
    {
        string connection = _database.ConnectionString;
        Skip.IfNot(PwshProcess.IsAvailable, PwshProcess.NotInstalledReason);
        string other = Path.Combine(NuGetPackages, "npgsql", "9.0.5", "lib", "net8.0", "Npgsql.dll");
        Assert.True(File.Exists(other), "The test project downloads Npgsql 9.0.5 (PackageDownload): " + other);

        string loadOther = $"$null = [System.Reflection.Assembly]::LoadFrom('{other}')";
        string useOurs = $"\"rows=$(@(Get-CommunityWaitingList -ConnectionString '{connection}' -Period 2024-09).Count)\"";
        PwshResult result = PwshProcess.Run($$"""
            {{(otherFirst ? loadOther : useOurs)}}
            {{(otherFirst ? useOurs : loadOther)}}
            "named=$([Npgsql.NpgsqlConnection].Assembly.GetName().Version)"
            {{ContextsScript}}
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["rows=6", "named=9.0.5.0", "NhsCommunity Default", "NhsCommunity.Core Default", "Npgsql 10.0.3.0 NhsCommunity", "Npgsql 9.0.5.0 Default"],
            result.Lines);
    }

    [Fact]
    public void No_package_type_is_in_a_cmdlets_parameters_or_outputs_or_their_properties()
    {
        using var session = new PowerShellSession();
        var types = session.Invoke("""
            foreach ($command in Get-Command -Module NhsCommunity) {
                foreach ($type in @($command.Parameters.Values.ParameterType) + @($command.OutputType.Type)) {
                    $type
                    $type.GetProperties().PropertyType
                }
            }
            """).Where(o => o?.BaseObject is Type).Select(o => (Type)o.BaseObject).Distinct().ToList();

        Assert.Contains(types, t => t.FullName == "NhsCommunity.Workbooks.CommunityRecord");
        Assert.Contains(types, t => t.FullName == "NhsCommunity.Backfill.BackfillSummary");
        Assert.DoesNotContain(types, t => PackageAssemblies.Contains(t.Assembly.GetName().Name) || t.GenericTypeArguments.Any(a => PackageAssemblies.Contains(a.Assembly.GetName().Name)));
        Assert.Contains("Npgsql", PackageAssemblies);
        Assert.Contains("ExcelDataReader", PackageAssemblies);
        Assert.DoesNotContain("NhsCommunity.Core", PackageAssemblies);
    }

    /// <summary>"name [version] context" for the module's assemblies and Npgsql, in name order.</summary>
    private const string ContextsScript = """
        [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'NhsCommunity', 'NhsCommunity.Core', 'Npgsql' } |
            ForEach-Object {
                $name = $_.GetName()
                $version = if ($name.Name -eq 'Npgsql') { " $($name.Version)" } else { '' }
                "$($name.Name)$version $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)"
            } | Sort-Object
        """;

    private static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string FirstServiceKey(string file) => new NhsCommunity.Workbooks.WorkbookImporter().Read(file).Records
        .First(r => r.OrganisationType == OrganisationType.Provider).ServiceKey;
}
