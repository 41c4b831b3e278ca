using System.Management.Automation;
using System.Text;

namespace NhsCommunity.Shell;

/// <summary>
/// The interactive prompt: shows the session's prompt function, reads a line (more lines while the
/// statement is unfinished), runs it, and repeats until 'exit' or Ctrl+D.
/// </summary>
internal sealed class InteractiveLoop
{
    private const string ContinuationPrompt = ">> ";

    private readonly ShellSession _session;
    private readonly LineEditor _editor;
    private bool _plainInput;

    public InteractiveLoop(ShellSession session)
    {
        _session = session;
        _editor = new LineEditor(new CommandHistory(), session.Executor.CreatePowerShell);
    }

    public int Run(bool showLogo)
    {
        CommandExecutor executor = _session.Executor;
        executor.KeepAliveOnCancel = true;
        _session.UI.LineReader = () => _editor.ReadLine(string.Empty, stopOnCancel: true);
        if (showLogo)
        {
            WriteLogo();
        }

        while (true)
        {
            string? input = ReadStatement();
            if (input is null)
            {
                return _session.Host.ShouldExit ? _session.Host.ExitCode : 0;
            }

            if (string.IsNullOrWhiteSpace(input))
            {
                continue;
            }

            executor.ExecuteScript(input, addToHistory: true);
            if (_session.Host.ShouldExit)
            {
                return _session.Host.ExitCode;
            }
        }
    }

    /// <summary>One statement, over as many lines as it needs; null at end of input.</summary>
    private string? ReadStatement()
    {
        string? line = ReadLine(Prompt());
        if (line is null)
        {
            return null;
        }

        var statement = new StringBuilder(line);
        while (line.Length > 0 && InputCompleteness.IsIncomplete(statement.ToString()))
        {
            line = ReadLine(ContinuationPrompt);
            if (line is null)
            {
                return null;
            }

            statement.Append('\n').Append(line);
        }

        _editor.Remember(statement.ToString());
        return statement.ToString();
    }

    /// <summary>
    /// A line from the line editor; if the terminal cannot do what the editor needs (cursor positioning),
    /// the rest of the session reads plain lines instead of failing.
    /// </summary>
    private string? ReadLine(string prompt)
    {
        if (!_plainInput)
        {
            try
            {
                return _editor.ReadLine(prompt);
            }
            catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or InvalidOperationException)
            {
                _plainInput = true;
                _session.UI.WriteWarningLine("Line editing is off: the terminal did not answer as expected (" + e.Message + ").");
            }
        }

        _session.UI.Write(prompt);
        return Console.ReadLine();
    }

    private string Prompt()
    {
        IReadOnlyList<PSObject> text = _session.Executor.Evaluate("prompt");
        string prompt = string.Concat(text.Select(t => t?.ToString()));
        return prompt.Length > 0 ? prompt : "PS> ";
    }

    private void WriteLogo()
    {
        string engine = _session.Executor.Evaluate("$PSVersionTable.PSVersion.ToString()") is [var version] ? version.ToString() : "7";
        string module = _session.Executor.Evaluate("(Get-Module NhsCommunity).Version.ToString()") is [var loaded] ? loaded.ToString() : "not loaded";
        _session.UI.WriteLine($"NhsCommunity shell: PowerShell {engine} engine, NhsCommunity module {module}.");
        _session.UI.WriteLine("Core cmdlets and the module's cmdlets only (no Utility/Management modules). Get-Help <command> for help, 'exit' to leave.");
        _session.UI.WriteLine(string.Empty);
    }
}
