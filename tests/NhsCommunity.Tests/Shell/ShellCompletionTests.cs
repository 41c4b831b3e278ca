using NhsCommunity.Catalogue;

namespace NhsCommunity.Tests.Shell;

/// <summary>Tab completion as the shell's prompt gets it from the engine, through the hidden -Complete option.</summary>
public class ShellCompletionTests
{
    [Fact]
    public void Command_names_complete_from_the_engine()
    {
        ShellResult result = ShellProcess.Run(["-Complete", "Get-Mod"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Get-Module", result.Lines);
        Assert.All(result.Lines, l => Assert.StartsWith("Get-Mod", l, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Parameter_names_complete()
    {
        ShellResult result = ShellProcess.Run(["-Complete", "Import-Module -Na"]);

        Assert.Equal(["-Name"], result.Lines);
    }

    [Fact]
    public void The_modules_types_are_loaded_in_the_shell_and_complete()
    {
        ShellResult result = ShellProcess.Run(["-Complete", "[NhsCommunity.Commands.Completion.ServiceKey"]);

        Assert.Equal(["NhsCommunity.Commands.Completion.ServiceKeyCompleter"], result.Lines);
    }

    [Fact]
    public void Every_exported_cmdlet_completes_from_its_verb_and_the_start_of_its_noun()
    {
        ShellResult exported = ShellProcess.Run(["-c", "(Get-Module NhsCommunity).ExportedCmdlets.Keys"]);
        Assert.True(exported.ExitCode == 0, exported.ToString());

        foreach (string cmdlet in exported.Lines)
        {
            string prefix = cmdlet[..(cmdlet.IndexOf('-', StringComparison.Ordinal) + 4)];
            ShellResult result = ShellProcess.Run(["-Complete", prefix]);
            Assert.Contains(cmdlet, result.Lines);
        }
    }

    [Fact]
    public void A_parameter_with_the_service_key_completer_offers_the_catalogues_keys_in_the_shell()
    {
        // -Complete takes one input: a script defines the function, then asks the engine as the prompt would.
        string script = """
            function Get-Service2 { param([ArgumentCompleter([NhsCommunity.Commands.Completion.ServiceKeyCompleter])] [string] $Service) }
            (TabExpansion2 'Get-Service2 -Service ther').CompletionMatches.CompletionText
            """;

        ShellResult result = ShellProcess.Run(["-c", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ServiceCatalogue.Keys.Where(k => k.StartsWith("ther", StringComparison.Ordinal)), result.Lines);
        Assert.NotEmpty(result.Lines);
    }
}
