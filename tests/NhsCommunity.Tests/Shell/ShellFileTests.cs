namespace NhsCommunity.Tests.Shell;

/// <summary>The shell run with -File: arguments bound to the script's param() block, and pwsh's -File exit codes.</summary>
public sealed class ShellFileTests : IDisposable
{
    private const string Script = """
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string] $Month,
            [int] $Count = 1,
            [switch] $DryRun,
            [string] $Mode = 'normal'
        )
        "month=$Month count=$Count dryrun=$DryRun mode=$Mode"
        "root=$PSScriptRoot"
        "command=$PSCommandPath"
        if ($Mode -eq 'fail') { throw "refused $Month" }
        if ($Count -gt 5) { exit $Count }
        'end'
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("nhscommunity-shell-").FullName;

    private string ScriptPath => Path.Combine(_directory, "refresh.ps1");

    public ShellFileTests()
    {
        File.WriteAllText(ScriptPath, Script);
    }

    [Fact]
    public void Named_switch_and_positional_arguments_bind_to_the_scripts_parameters()
    {
        ShellResult result = ShellProcess.Run(["-NoProfile", "-File", ScriptPath, "-Month", "2025-03", "-DryRun", "-Count:2"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["month=2025-03 count=2 dryrun=True mode=normal", $"root={_directory}", $"command={ScriptPath}", "end"], result.Lines);
    }

    [Fact]
    public void Positional_arguments_bind_in_order_and_a_switch_can_be_turned_off()
    {
        ShellResult result = ShellProcess.Run(["-File", ScriptPath, "2024-12", "3", "-DryRun:$false"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("month=2024-12 count=3 dryrun=False mode=normal", result.Lines[0]);
    }

    [Fact]
    public void A_bare_script_path_runs_the_script_like_File()
    {
        ShellResult result = ShellProcess.Run([ScriptPath, "-Month", "2025-01"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("month=2025-01 count=1 dryrun=False mode=normal", result.Lines[0]);
    }

    [Fact]
    public void Exit_N_in_the_script_gives_exit_code_N()
    {
        ShellResult result = ShellProcess.Run(["-File", ScriptPath, "-Month", "2025-03", "-Count", "7"]);

        Assert.Equal(7, result.ExitCode);
        Assert.DoesNotContain("end", result.Lines);
    }

    [Fact]
    public void A_terminating_error_gives_exit_code_1_and_names_the_script_line_on_stderr()
    {
        ShellResult result = ShellProcess.Run(["-File", ScriptPath, "-Month", "2025-03", "-Mode", "fail"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused 2025-03", result.Error, StringComparison.Ordinal);
        Assert.Contains("refresh.ps1", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("end", result.Lines);
    }

    [Fact]
    public void An_unknown_parameter_is_an_error_and_the_script_does_not_run()
    {
        ShellResult result = ShellProcess.Run(["-File", ScriptPath, "-Month", "2025-03", "-Colour", "red"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("Colour", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_mandatory_parameter_fails_instead_of_prompting_when_non_interactive()
    {
        ShellResult result = ShellProcess.Run(["-NonInteractive", "-File", ScriptPath]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("missing mandatory parameters: Month", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_with_a_parse_error_gives_a_non_zero_exit_code_and_runs_nothing()
    {
        string broken = Path.Combine(_directory, "broken.ps1");
        File.WriteAllText(broken, "'first'\nforeach ($x in 1..3) {\n  $x\n");

        ShellResult result = ShellProcess.Run(["-File", broken]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("broken.ps1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_script_file_is_a_usage_error()
    {
        ShellResult result = ShellProcess.Run(["-File", Path.Combine(_directory, "absent.ps1")]);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("absent.ps1", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
