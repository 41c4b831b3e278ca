using System.Management.Automation;
using System.Management.Automation.Language;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Help;

/// <summary>
/// Every cmdlet the manifest declares has real MAML help in the hosted engine: a written synopsis (not
/// the syntax PowerShell makes up when it finds no help), a description, at least one example, and a
/// description for every parameter except the common ones. A cmdlet that is declared but not built
/// fails here too, naming itself.
/// </summary>
public class CmdletHelpTests
{
    private const string HelpSummary = """
        $help = Get-Help $Name -Full
        $command = Get-Command $Name -CommandType Cmdlet
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $described = @{}
        foreach ($parameter in @($help.parameters.parameter)) {
            if ($parameter -and (@($parameter.description) | ForEach-Object { $_.Text }) -join '' -match '\S') { $described[$parameter.name] = $true }
        }
        [pscustomobject]@{
            Synopsis     = [string]$help.Synopsis
            Description  = (@($help.description) | ForEach-Object { $_.Text }) -join "`n"
            Examples     = @($help.examples.example | Where-Object { "$($_.code)" -match '\S' }).Count
            Undocumented = [string[]]@($command.Parameters.Keys | Where-Object { $_ -notin $common -and -not $described[$_] })
        }
        """;

    public static TheoryData<string> DeclaredCmdlets()
    {
        var data = new TheoryData<string>();
        foreach (string name in ManifestCmdlets())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_manifest_declares_cmdlets_so_the_help_theory_is_not_vacuous()
    {
        Assert.NotEmpty(ManifestCmdlets());
    }

    [Theory]
    [MemberData(nameof(DeclaredCmdlets))]
    public void Declared_cmdlet_is_exported_and_has_complete_help(string cmdlet)
    {
        using var session = new PowerShellSession();
        var exported = session.Invoke("(Get-Module NhsCommunity).ExportedCmdlets.Keys").Select(o => o.ToString()).ToList();
        Assert.True(exported.Contains(cmdlet), $"{cmdlet}: declared in NhsCommunity.psd1 but not exported by the built module.");

        PSObject summary = session.Invoke(HelpSummary, new Dictionary<string, object?> { ["Name"] = cmdlet }).Single();
        var problems = HelpProblems(cmdlet, summary).ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>Each gap in a cmdlet's help, as "Cmdlet: what is missing" or "Cmdlet -Parameter: ...".</summary>
    internal static IEnumerable<string> HelpProblems(string cmdlet, PSObject summary)
    {
        string synopsis = ((string)summary.Properties["Synopsis"].Value).Trim();
        if (synopsis.Length == 0 || synopsis.StartsWith(cmdlet + " ", StringComparison.OrdinalIgnoreCase)
            || synopsis.Equals(cmdlet, StringComparison.OrdinalIgnoreCase) || synopsis.Contains("<CommonParameters>", StringComparison.Ordinal))
        {
            yield return $"{cmdlet}: no synopsis in the MAML help (Get-Help shows the generated syntax instead; is en-US/NhsCommunity.dll-Help.xml beside the manifest and does it have a Help/{cmdlet}.xml fragment?)";
        }

        if (((string)summary.Properties["Description"].Value).Trim().Length == 0)
        {
            yield return $"{cmdlet}: no description";
        }

        if ((int)summary.Properties["Examples"].Value == 0)
        {
            yield return $"{cmdlet}: no example";
        }

        foreach (string parameter in (string[])summary.Properties["Undocumented"].Value)
        {
            yield return $"{cmdlet} -{parameter}: no description for this parameter";
        }
    }

    /// <summary>CmdletsToExport of the repository's manifest, read with PowerShell's own parser.</summary>
    private static string[] ManifestCmdlets()
    {
        ScriptBlockAst ast = Parser.ParseFile(RepositoryPaths.Manifest, out _, out ParseError[] errors);
        Assert.Empty(errors);
        var manifest = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
        var entry = manifest.KeyValuePairs.Single(p => p.Item1 is StringConstantExpressionAst { Value: "CmdletsToExport" });
        object value = ((PipelineAst)entry.Item2).GetPureExpression()!.SafeGetValue();
        return value is object[] names ? names.Cast<string>().ToArray() : [(string)value];
    }
}
