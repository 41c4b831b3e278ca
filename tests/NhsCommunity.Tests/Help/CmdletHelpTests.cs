using System.Management.Automation;
using System.Management.Automation.Language;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Help;

/// <summary>
/// Every cmdlet the manifest declares has real MAML help in the hosted engine: a written synopsis (not
/// the syntax PowerShell makes up when it finds no help), a description, a description for every
/// parameter except the common ones, INPUTS, OUTPUTS, a related link, an example that pipes, and one
/// syntax line per parameter set with exactly that set's parameters. A cmdlet that is declared but not
/// built fails here too, naming itself.
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
        # A syntax line per parameter set: "A,B,C" (sorted) from the help and from the engine, in the same form.
        # (The hosted engine has no Utility module, so no Sort-Object.)
        function Join-Sorted([string[]] $names) { [Array]::Sort($names, [StringComparer]::Ordinal); $names -join ',' }
        $helpSets = [string[]]@($help.syntax.syntaxItem | ForEach-Object { Join-Sorted @($_.parameter | ForEach-Object { $_.name }) })
        $commandSets = [string[]]@($command.ParameterSets | ForEach-Object { Join-Sorted @($_.Parameters.Name | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }) })
        $pipes = @($help.examples.example | Where-Object {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput("$($_.code)", [ref]$null, [ref]$null)
            $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.PipelineAst] -and $n.PipelineElements.Count -gt 1 }, $true).Count -gt 0
        }).Count
        [pscustomobject]@{
            Synopsis     = [string]$help.Synopsis
            Description  = (@($help.description) | ForEach-Object { $_.Text }) -join "`n"
            Examples     = @($help.examples.example | Where-Object { "$($_.code)" -match '\S' }).Count
            PipingExamples = $pipes
            Undocumented = [string[]]@($command.Parameters.Keys | Where-Object { $_ -notin $common -and -not $described[$_] })
            Inputs       = [string[]]@($help.inputTypes.inputType | ForEach-Object { $_.type.name } | Where-Object { $_ -match '\S' })
            Outputs      = [string[]]@($help.returnValues.returnValue | ForEach-Object { $_.type.name } | Where-Object { $_ -match '\S' })
            Links        = [string[]]@($help.relatedLinks.navigationLink | ForEach-Object { "$($_.linkText)$($_.uri)" } | Where-Object { $_ -match '\S' })
            HelpSets     = [string[]]$helpSets
            CommandSets  = [string[]]$commandSets
            Types        = [string[]]@($help.parameters.parameter | ForEach-Object { "$($_.name) $($_.parameterValue) $($_.type.name)" })
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

        if ((int)summary.Properties["PipingExamples"].Value == 0)
        {
            yield return $"{cmdlet}: no example that pipes";
        }

        foreach (string part in new[] { "Inputs", "Outputs", "Links" })
        {
            if (((string[])summary.Properties[part].Value).Length == 0)
            {
                yield return $"{cmdlet}: no {part.ToUpperInvariant()} in the help";
            }
        }

        var helpSets = ((string[])summary.Properties["HelpSets"].Value).Order(StringComparer.Ordinal).ToList();
        var commandSets = ((string[])summary.Properties["CommandSets"].Value).Order(StringComparer.Ordinal).ToList();
        if (!helpSets.SequenceEqual(commandSets))
        {
            yield return $"{cmdlet}: the help's syntax lines [{string.Join(" | ", helpSets)}] are not the parameter sets [{string.Join(" | ", commandSets)}]";
        }

        foreach (string type in ((string[])summary.Properties["Types"].Value).Where(t => t.Contains('`', StringComparison.Ordinal)))
        {
            yield return $"{cmdlet}: a parameter type shows as a CLR generic name: {type}";
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
