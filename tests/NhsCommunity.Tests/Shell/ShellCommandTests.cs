using System.Xml.Linq;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Shell;

/// <summary>The shell run as a process with -Command: output through PowerShell's formatting, and exit codes a scheduler can test.</summary>
public class ShellCommandTests
{
    [Fact]
    public void Command_prints_the_value_of_an_expression()
    {
        ShellResult result = ShellProcess.Run(["-NoLogo", "-Command", "1+1; 'a' + 'b'"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["2", "ab"], result.Lines);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void Command_words_after_Command_are_joined_into_one_command_as_pwsh_does()
    {
        ShellResult result = ShellProcess.Run(["-c", "6", "*", "7"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["42"], result.Lines);
    }

    [Fact]
    public void Get_Module_shows_the_imported_module_in_the_engines_table_view_with_the_build_version()
    {
        ShellResult result = ShellProcess.Run(["-Command", "Get-Module NhsCommunity"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        string version = XDocument.Parse(props).Descendants("Version").Single().Value;
        string header = result.Lines.First(l => l.StartsWith("ModuleType", StringComparison.Ordinal));
        Assert.Contains("Name", header, StringComparison.Ordinal);
        string row = Assert.Single(result.Lines, l => l.Contains(" NhsCommunity", StringComparison.Ordinal));
        Assert.Contains(version, row, StringComparison.Ordinal);
        Assert.StartsWith("Binary", row, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shell_loads_the_same_cmdlets_as_Import_Module_in_the_hosted_engine()
    {
        using var session = new PowerShellSession();
        var expected = session.Invoke("(Get-Module NhsCommunity).ExportedCmdlets.Keys").Select(o => o.ToString()!).Order();

        ShellResult exported = ShellProcess.Run(["-c", "(Get-Module NhsCommunity).ExportedCmdlets.Keys; (Get-Module NhsCommunity).Path"]);

        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "module", "NhsCommunity.dll"), exported.Lines[^1]);
        Assert.Equal(expected, exported.Lines.SkipLast(1).Order());
    }

    [Fact]
    public void Exit_N_gives_exit_code_N()
    {
        ShellResult result = ShellProcess.Run(["-Command", "'before'; exit 3; 'after'"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(["before"], result.Lines);
    }

    [Fact]
    public void A_thrown_error_gives_exit_code_1_and_the_message_on_stderr_only()
    {
        ShellResult result = ShellProcess.Run(["-Command", "'start'; throw 'the workbook is locked'; 'never'"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["start"], result.Lines);
        Assert.Contains("the workbook is locked", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorAction_Stop_is_a_terminating_error_and_gives_exit_code_1()
    {
        ShellResult result = ShellProcess.Run(["-Command", "Import-Module ./no-such-module.psd1 -ErrorAction Stop; 'never'"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("Import-Module:", result.Error, StringComparison.Ordinal);
        Assert.Contains("no-such-module.psd1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_last_command_gives_exit_code_1_and_a_recovered_failure_gives_0()
    {
        ShellResult failedLast = ShellProcess.Run(["-Command", "Import-Module ./no-such-module.psd1"]);
        ShellResult recovered = ShellProcess.Run(["-Command", "Import-Module ./no-such-module.psd1; 'carried on'"]);

        Assert.Equal(1, failedLast.ExitCode);
        Assert.Equal(0, recovered.ExitCode);
        Assert.Equal(["carried on"], recovered.Lines);
        Assert.Contains("no-such-module.psd1", recovered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parse_error_gives_a_non_zero_exit_code_and_runs_nothing()
    {
        ShellResult result = ShellProcess.Run(["-Command", "'first'; if ($true) { 1 +* ("]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("ParserError", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_dash_reads_the_commands_from_standard_input_statement_by_statement()
    {
        string input = string.Join("\n", "$x = 20", "if ($x -gt 10) {", "  $x * 2", "}", "'done'", "exit 5", "'not reached'", string.Empty);

        ShellResult result = ShellProcess.Run(["-NonInteractive", "-Command", "-"], input);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(["40", "done"], result.Lines);
    }

    [Fact]
    public void Standard_input_without_Command_is_run_too_and_its_last_status_is_the_exit_code()
    {
        ShellResult result = ShellProcess.Run(["-NoLogo"], "'one'\nNo-SuchCommand\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["one"], result.Lines);
        Assert.Contains("No-SuchCommand", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_and_verbose_messages_go_to_stderr_with_their_prefixes_when_preferences_ask()
    {
        string script = "function Test-Streams { [CmdletBinding()] param() $PSCmdlet.WriteWarning('check the header row'); $PSCmdlet.WriteVerbose('reading sheet 4'); 'data' }; Test-Streams; Test-Streams -Verbose";

        ShellResult result = ShellProcess.Run(["-Command", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["data", "data"], result.Lines);
        string[] messages = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["WARNING: check the header row", "WARNING: check the header row", "VERBOSE: reading sheet 4"], messages);
    }

    [Fact]
    public void Information_messages_print_once_and_only_when_InformationAction_asks()
    {
        string script = "function Test-Info { [CmdletBinding()] param() $PSCmdlet.WriteInformation('loaded 12 workbooks', [string[]]@()) }; Test-Info; 'quiet above'; Test-Info -InformationAction Continue";

        ShellResult result = ShellProcess.Run(["-Command", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["quiet above", "loaded 12 workbooks"], result.Lines);
    }

    [Fact]
    public void Progress_is_not_drawn_when_stderr_is_redirected()
    {
        string script = "function Test-Progress { [CmdletBinding()] param() foreach ($i in 1..3) { $PSCmdlet.WriteProgress([System.Management.Automation.ProgressRecord]::new(1, 'Loading', \"step $i\")) }; 'finished' }; Test-Progress";

        ShellResult result = ShellProcess.Run(["-Command", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["finished"], result.Lines);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void Help_option_prints_the_usage_and_an_unknown_option_is_a_usage_error()
    {
        ShellResult help = ShellProcess.Run(["-Help"]);
        ShellResult wrong = ShellProcess.Run(["-Bogus"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("-Command", help.Output, StringComparison.Ordinal);
        Assert.Contains("-File", help.Output, StringComparison.Ordinal);
        Assert.Equal(64, wrong.ExitCode);
        Assert.Contains("-Bogus", wrong.Error, StringComparison.Ordinal);
    }
}
