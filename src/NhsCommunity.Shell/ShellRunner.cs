using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;

namespace NhsCommunity.Shell;

/// <summary>
/// The non-interactive ways of running the shell (-Command, -File, commands on standard input, and the
/// hidden -Complete), each with the exit code pwsh would give so that a scheduler can test it.
/// </summary>
internal sealed class ShellRunner
{
    /// <summary>pwsh's exit code for a bad command line (a missing script file).</summary>
    public const int UsageExitCode = 64;

    private readonly ShellSession _session;

    public ShellRunner(ShellSession session)
    {
        _session = session;
    }

    /// <summary>-Command: 'exit N' gives N; otherwise 0 if the last command succeeded, else 1.</summary>
    public int RunCommand(string script) => CommandExitCode(_session.Executor.ExecuteScript(script));

    /// <summary>
    /// -File: 'exit N' gives N, a terminating error 1, otherwise 0. The script runs as a function made from
    /// the parsed file (so $PSScriptRoot, $PSCommandPath and error positions name the file), which lets
    /// 'exit' in it reach the host as it does in pwsh -File; its arguments bind to its param() block.
    /// </summary>
    public int RunFile(string path, IReadOnlyList<string> arguments)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            _session.UI.WriteErrorLine($"The argument '{path}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.");
            return UsageExitCode;
        }

        ScriptBlockAst ast = Parser.ParseFile(fullPath, out _, out ParseError[] errors);
        if (errors.Length > 0)
        {
            _session.Executor.ReportTerminatingError(new ParseException(errors).ErrorRecord);
            return 1;
        }

        string name = Path.GetFileName(fullPath);
        _session.Runspace.SessionStateProxy.InvokeProvider.Item.New(@"function:\", name, null, ast.GetScriptBlock());
        var command = new Command(name);
        foreach (CommandParameter parameter in ScriptArguments.ToParameters(arguments))
        {
            command.Parameters.Add(parameter);
        }

        ExecutionOutcome outcome = _session.Executor.ExecuteCommand(command);
        if (_session.Host.ShouldExit)
        {
            return _session.Host.ExitCode;
        }

        return outcome is ExecutionOutcome.Terminated or ExecutionOutcome.Stopped ? 1 : 0;
    }

    /// <summary>
    /// -Command - (or no command with input redirected): runs standard input statement by statement as
    /// it arrives; a statement spanning lines runs once it is complete. Exit code as for -Command.
    /// </summary>
    public int RunStandardInput()
    {
        _session.Executor.KeepAliveOnCancel = true;
        var pending = new StringBuilder();
        ExecutionOutcome last = ExecutionOutcome.Succeeded;
        for (string? line = Console.In.ReadLine(); line is not null; line = Console.In.ReadLine())
        {
            pending.AppendLine(line);
            string text = pending.ToString();
            if (InputCompleteness.IsIncomplete(text) && line.Length > 0)
            {
                continue;
            }

            pending.Clear();
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            last = _session.Executor.ExecuteScript(text);
            if (_session.Host.ShouldExit)
            {
                break;
            }
        }

        if (pending.Length > 0 && !_session.Host.ShouldExit)
        {
            last = _session.Executor.ExecuteScript(pending.ToString());
        }

        return CommandExitCode(last);
    }

    /// <summary>Hidden -Complete: the engine's completions for the input (cursor at its end), one a line.</summary>
    public int Complete(string input)
    {
        using PowerShell ps = _session.Executor.CreatePowerShell();
        CommandCompletion completion = CommandCompletion.CompleteInput(input, input.Length, null, ps);
        foreach (CompletionResult match in completion.CompletionMatches)
        {
            Console.Out.WriteLine(match.CompletionText);
        }

        return 0;
    }

    private int CommandExitCode(ExecutionOutcome outcome)
    {
        if (_session.Host.ShouldExit)
        {
            return _session.Host.ExitCode;
        }

        return outcome == ExecutionOutcome.Succeeded ? 0 : 1;
    }
}
