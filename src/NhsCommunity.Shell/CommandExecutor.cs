using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NhsCommunity.Shell;

/// <summary>
/// Runs commands in the shell's runspace the way pwsh's console does: output and errors go through
/// Out-Default (so the module's views and the engine's error view apply), a terminating error is
/// reported through the same view, and Ctrl+C stops the running pipeline instead of the shell.
/// </summary>
internal sealed class CommandExecutor : IDisposable
{
    private readonly Runspace _runspace;
    private readonly ShellUserInterface _ui;
    private readonly object _currentLock = new();
    private PowerShell? _current;
    private bool _stopRequested;

    public CommandExecutor(Runspace runspace, ShellUserInterface ui)
    {
        _runspace = runspace;
        _ui = ui;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>True while the interactive prompt owns the console: Ctrl+C then must not end the shell.</summary>
    public bool KeepAliveOnCancel { get; set; }

    /// <summary>The variable the last statement's $? is copied into (the engine resets $? between pipelines).</summary>
    private const string StatusVariable = "__NhsCommunityShellStatus";

    /// <summary>Runs script text at global scope, printing its output, and says how it ended.</summary>
    public ExecutionOutcome ExecuteScript(string script, bool addToHistory = false)
    {
        if (addToHistory)
        {
            // Interactive input: kept verbatim for Get-History; its exit status matters to nobody.
            return Execute(ps => ps.AddScript(script), addToHistory: true);
        }

        // A line appended after the script records whether its last statement succeeded, which is how
        // pwsh -Command decides the exit code. It adds no line before the user's, so positions hold.
        _runspace.SessionStateProxy.SetVariable(StatusVariable, true);
        ExecutionOutcome outcome = Execute(ps => ps.AddScript(script + "\n$global:" + StatusVariable + " = $?"), addToHistory: false);
        return outcome == ExecutionOutcome.Succeeded && _runspace.SessionStateProxy.GetVariable(StatusVariable) is false
            ? ExecutionOutcome.Failed
            : outcome;
    }

    /// <summary>Runs a command with its parameters, printing its output, and says how it ended.</summary>
    public ExecutionOutcome ExecuteCommand(Command command) =>
        Execute(ps => ps.Commands.AddCommand(command), addToHistory: false);

    /// <summary>Runs script text for its values (the prompt, a setting): nothing printed, errors ignored.</summary>
    public IReadOnlyList<PSObject> Evaluate(string script)
    {
        using PowerShell ps = CreatePowerShell();
        ps.AddScript(script);
        try
        {
            return ps.Invoke();
        }
        catch (RuntimeException)
        {
            return [];
        }
    }

    /// <summary>A PowerShell on the shell's runspace, for the caller to run (completion uses this).</summary>
    public PowerShell CreatePowerShell()
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        return ps;
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private ExecutionOutcome Execute(Action<PowerShell> addCommands, bool addToHistory)
    {
        using PowerShell ps = CreatePowerShell();
        addCommands(ps);

        // Errors travel with the output into Out-Default, which prints them with the engine's error view.
        ps.Commands.Commands[^1].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");
        SetCurrent(ps);
        try
        {
            ps.Invoke(input: null, new PSInvocationSettings { AddToHistory = addToHistory });
            if (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
            {
                return ExecutionOutcome.Stopped;
            }

            return ExecutionOutcome.Succeeded;
        }
        catch (PipelineStoppedException)
        {
            return ExecutionOutcome.Stopped;
        }
        catch (RuntimeException e)
        {
            ReportTerminatingError(e.ErrorRecord);
            return ExecutionOutcome.Terminated;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or IOException)
        {
            ReportTerminatingError(new ErrorRecord(e, "NhsCommunityShellCommandFailed", ErrorCategory.NotSpecified, null));
            return ExecutionOutcome.Terminated;
        }
        finally
        {
            SetCurrent(null);
            _ui.ClearProgress();
        }
    }

    /// <summary>Prints a terminating error as pwsh does: through Out-Default with the engine's error view, on stderr.</summary>
    public void ReportTerminatingError(ErrorRecord error)
    {
        using PowerShell ps = CreatePowerShell();
        ps.AddCommand("Out-Default");
        _ui.WritingError = true;
        try
        {
            ps.Invoke(new[] { error });
        }
        catch (RuntimeException)
        {
            _ui.WriteErrorLine(error.ToString());
        }
        finally
        {
            _ui.WritingError = false;
        }
    }

    private void SetCurrent(PowerShell? ps)
    {
        lock (_currentLock)
        {
            _current = ps;
            _stopRequested = false;
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        lock (_currentLock)
        {
            if (_current is not null && !_stopRequested)
            {
                // Stop the pipeline, keep the shell: the prompt (or the rest of standard input) carries on.
                // A second Ctrl+C while a command ignores the stop (a long .NET call) ends the shell.
                e.Cancel = true;
                _stopRequested = true;
                _current.BeginStop(null, null);
                return;
            }

            if (_current is not null)
            {
                return;
            }
        }

        e.Cancel = KeepAliveOnCancel;
    }
}
