using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NhsCommunity.Tests.Infrastructure;

/// <summary>
/// A runspace of the hosted PowerShell 7.6 engine with the built module imported from the repository
/// root, as a user would: Import-Module ./NhsCommunity.psd1.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(string? workingDirectory = null)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        _runspace.SessionStateProxy.Path.SetLocation(workingDirectory ?? RepositoryPaths.Root);
        Run($"Import-Module '{RepositoryPaths.Manifest}' -ErrorAction Stop");
    }

    /// <summary>Runs a script; returns its output and the error stream without throwing on non-terminating errors.</summary>
    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
            {
                _runspace.SessionStateProxy.SetVariable(name, value);
            }
        }

        shell.AddScript(script);
        Collection<PSObject> output = shell.Invoke();
        return new ScriptResult(
            output,
            shell.Streams.Error.ToList(),
            shell.Streams.Warning.Select(w => w.Message).ToList(),
            shell.Streams.Verbose.Select(v => v.Message).ToList(),
            shell.Streams.Progress.ToList());
    }

    /// <summary>Runs a script that must raise no error, and returns its output.</summary>
    public Collection<PSObject> Invoke(string script, IDictionary<string, object?>? variables = null)
    {
        ScriptResult result = Run(script, variables);
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException("The script raised errors:\n" + string.Join("\n", result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }

        return result.Output;
    }

    public void Dispose() => _runspace.Dispose();
}

public sealed record ScriptResult(
    Collection<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<ProgressRecord> Progress);
