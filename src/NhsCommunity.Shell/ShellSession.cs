using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NhsCommunity.Shell;

/// <summary>
/// The engine behind the shell: a runspace with the engine's default (core) commands, our host, and the
/// NhsCommunity module imported from the manifest the <see cref="ModuleLocator"/> finds.
/// </summary>
internal sealed class ShellSession : IDisposable
{
    private ShellSession(ShellHost host, ShellUserInterface ui, Runspace runspace, CommandExecutor executor)
    {
        Host = host;
        UI = ui;
        Runspace = runspace;
        Executor = executor;
    }

    public ShellHost Host { get; }

    public ShellUserInterface UI { get; }

    public Runspace Runspace { get; }

    public CommandExecutor Executor { get; }

    public static ShellSession Open(ShellOptions options)
    {
        var ui = new ShellUserInterface(options.NonInteractive);
        var host = new ShellHost(ui);
        InitialSessionState state = InitialSessionState.CreateDefault2();
        Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Environment.CurrentDirectory));
        var session = new ShellSession(host, ui, runspace, new CommandExecutor(runspace, ui));
        session.ImportModule(options.ModulePath);
        return session;
    }

    public void Dispose()
    {
        Executor.Dispose();
        Runspace.Dispose();
    }

    /// <summary>A failed import is reported and the shell carries on: core commands still work.</summary>
    private void ImportModule(string? explicitPath)
    {
        string? manifest = ModuleLocator.Find(explicitPath);
        if (manifest is null)
        {
            UI.WriteWarningLine(
                $"NhsCommunity.psd1 was not found above {AppContext.BaseDirectory}; the module is not loaded. "
                + $"Build it (dotnet build Cmdlets.sln -c Release) or point -ModulePath or {ModuleLocator.OverrideVariable} at the manifest.");
            return;
        }

        var import = new Command("Import-Module");
        import.Parameters.Add("Name", manifest);
        import.Parameters.Add("ErrorAction", ActionPreference.Stop);
        Executor.ExecuteCommand(import);
    }
}
