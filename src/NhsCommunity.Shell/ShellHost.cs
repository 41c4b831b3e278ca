using System.Globalization;
using System.Management.Automation.Host;

namespace NhsCommunity.Shell;

/// <summary>
/// The PSHost the engine talks to: its console UI, and the exit code a script asks for with 'exit N'
/// (the engine calls <see cref="SetShouldExit"/> when a top-level pipeline runs 'exit').
/// </summary>
internal sealed class ShellHost : PSHost
{
    private readonly ShellUserInterface _ui;

    public ShellHost(ShellUserInterface ui)
    {
        _ui = ui;
    }

    public override string Name => "NhsCommunityShell";

    public override Version Version { get; } = typeof(ShellHost).Assembly.GetName().Version ?? new Version(0, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    /// <summary>True once a script has run 'exit'.</summary>
    public bool ShouldExit { get; private set; }

    public int ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode)
    {
        ShouldExit = true;
        ExitCode = exitCode;
    }

    public override void EnterNestedPrompt() =>
        throw new NotSupportedException("The NhsCommunity shell has no nested prompts (no debugger prompt or $host.EnterNestedPrompt()).");

    public override void ExitNestedPrompt() =>
        throw new NotSupportedException("The NhsCommunity shell has no nested prompts.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }
}
