namespace NhsCommunity.Tests.Shell;

/// <summary>Get-Help in the shell: the engine's help views print through the shell's host.</summary>
public class ShellHelpTests
{
    [Fact]
    public void Get_Help_prints_the_engines_help_view()
    {
        ShellResult result = ShellProcess.Run(["-c", "Get-Help Import-Module"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("NAME", result.Lines);
        Assert.Contains("    Import-Module", result.Lines);
        Assert.Contains("SYNTAX", result.Lines);
    }

    [SkippableFact]
    public void Get_Help_Update_TrustMetrics_Examples_shows_its_examples_in_the_shell()
    {
        ShellResult exported = ShellProcess.Run(["-c", "(Get-Module NhsCommunity).ExportedCmdlets.Keys"]);
        Skip.IfNot(exported.Lines.Contains("Update-TrustMetrics"), "Update-TrustMetrics is not built into this module yet.");

        ShellResult result = ShellProcess.Run(["-c", "Get-Help Update-TrustMetrics -Examples"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.Lines, l => l.Contains("EXAMPLE 1", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(result.Lines, l => l.Contains("Update-TrustMetrics", StringComparison.Ordinal) && l.Contains('|', StringComparison.Ordinal));
        Assert.DoesNotContain(result.Lines, l => l.Contains("cannot find the Help files", StringComparison.Ordinal));
    }
}
