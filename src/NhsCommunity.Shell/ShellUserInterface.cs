using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace NhsCommunity.Shell;

/// <summary>
/// The engine's view of the console. Output goes to stdout; errors, warnings, verbose, debug and progress
/// go to stderr so that redirected stdout carries only data. Colours and the engine's ANSI decorations
/// appear on a terminal and are stripped when a stream is redirected. Prompts (mandatory parameters,
/// -Confirm, credentials) read the console, and fail rather than wait when the shell is non-interactive.
/// </summary>
internal sealed class ShellUserInterface : PSHostUserInterface
{
    private readonly ShellRawUserInterface _rawUI = new();
    private readonly ProgressRenderer _progress;
    private readonly object _writeLock = new();

    public ShellUserInterface(bool nonInteractive)
    {
        NonInteractive = nonInteractive;
        _progress = new ProgressRenderer(_rawUI);
    }

    /// <summary>When true, nothing ever waits for the user: prompts throw.</summary>
    public bool NonInteractive { get; }

    /// <summary>
    /// While true, formatted output goes to stderr as error text: the shell prints a terminating error
    /// by sending its ErrorRecord through Out-Default, which knows nothing of which stream it is for.
    /// </summary>
    public bool WritingError { get; set; }

    /// <summary>Reads a line for a prompt; the interactive loop supplies its line editor here.</summary>
    public Func<string?>? LineReader { get; set; }

    public override PSHostRawUserInterface RawUI => _rawUI;

    public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;

    public override void Write(string value) => WriteOut(value, newLine: false);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
    {
        if (Console.IsOutputRedirected)
        {
            WriteOut(value, newLine: false);
            return;
        }

        WriteOut(PSStyle.MapColorPairToEscapeSequence(foregroundColor, backgroundColor) + value + PSStyle.Instance.Reset, newLine: false);
    }

    public override void WriteLine(string value) => WriteOut(value, newLine: true);

    public override void WriteLine(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
    {
        Write(foregroundColor, backgroundColor, value);
        WriteOut(string.Empty, newLine: true);
    }

    public override void WriteErrorLine(string value) => WriteDiagnostic(FormatStyle.Error, value);

    public override void WriteWarningLine(string message) =>
        WriteDiagnostic(FormatStyle.Warning, "WARNING: " + message);

    public override void WriteVerboseLine(string message) =>
        WriteDiagnostic(FormatStyle.Verbose, "VERBOSE: " + message);

    public override void WriteDebugLine(string message) =>
        WriteDiagnostic(FormatStyle.Debug, "DEBUG: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        lock (_writeLock)
        {
            _progress.Show(sourceId, record);
        }
    }

    /// <summary>Removes any progress bar left on the terminal (a pipeline was stopped or has ended).</summary>
    public void ClearProgress()
    {
        lock (_writeLock)
        {
            _progress.Reset();
        }
    }

    public override string ReadLine()
    {
        EnsureInteractive();
        string? line = LineReader is not null && !Console.IsInputRedirected ? LineReader() : Console.ReadLine();
        return line ?? throw new PSInvalidOperationException("Standard input ended while the command was waiting for input.");
    }

    public override SecureString ReadLineAsSecureString()
    {
        EnsureInteractive();
        var secure = new SecureString();
        if (Console.IsInputRedirected)
        {
            foreach (char c in Console.ReadLine() ?? throw new PSInvalidOperationException("Standard input ended while the command was waiting for input."))
            {
                secure.AppendChar(c);
            }
        }
        else
        {
            for (ConsoleKeyInfo key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace && secure.Length > 0)
                {
                    secure.RemoveAt(secure.Length - 1);
                    Console.Write("\b \b");
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    secure.AppendChar(key.KeyChar);
                    Console.Write('*');
                }
            }

            Console.WriteLine();
        }

        secure.MakeReadOnly();
        return secure;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        EnsureInteractive();
        WriteHeading(caption, message);
        var results = new Dictionary<string, PSObject>(StringComparer.OrdinalIgnoreCase);
        foreach (FieldDescription field in descriptions)
        {
            results[field.Name] = PromptForField(field);
        }

        return results;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        EnsureInteractive();
        var menu = new ChoiceMenu(choices, defaultChoice);
        WriteHeading(caption, message);
        while (true)
        {
            Write(menu.PromptText);
            string answer = ReadLine().Trim();
            if (answer == "?")
            {
                foreach (string line in menu.HelpLines)
                {
                    WriteLine(line);
                }

                continue;
            }

            int? chosen = menu.Match(answer);
            if (chosen is not null)
            {
                return chosen.Value;
            }
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(
        string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        EnsureInteractive();
        WriteHeading(caption, message);
        if (string.IsNullOrEmpty(userName))
        {
            Write("User: ");
            userName = ReadLine();
        }

        Write("Password for user " + userName + ": ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    private PSObject PromptForField(FieldDescription field)
    {
        string label = string.IsNullOrEmpty(field.Label) ? field.Name : field.Label.Replace("&", string.Empty, StringComparison.Ordinal);
        string type = field.ParameterTypeFullName ?? string.Empty;
        if (type == typeof(SecureString).FullName)
        {
            Write(label + ": ");
            return PSObject.AsPSObject(ReadLineAsSecureString());
        }

        if (type == typeof(PSCredential).FullName)
        {
            return PSObject.AsPSObject(PromptForCredential(string.Empty, string.Empty, string.Empty, string.Empty));
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            // Like pwsh: one element a line, an empty line ends the array.
            var items = new List<string>();
            while (true)
            {
                Write(string.Create(CultureInfo.InvariantCulture, $"{label}[{items.Count}]: "));
                string item = ReadLine();
                if (item.Length == 0)
                {
                    return PSObject.AsPSObject(items.ToArray());
                }

                items.Add(item);
            }
        }

        Write(label + ": ");
        return PSObject.AsPSObject(ReadLine());
    }

    private void WriteHeading(string caption, string message)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            WriteLine(caption);
        }

        if (!string.IsNullOrEmpty(message))
        {
            WriteLine(message);
        }
    }

    private void EnsureInteractive()
    {
        if (NonInteractive)
        {
            throw new PSInvalidOperationException(
                "The shell runs non-interactively (-NonInteractive): it cannot prompt. Supply every mandatory parameter, and -Confirm:$false where a command asks for confirmation.");
        }
    }

    private void WriteOut(string value, bool newLine)
    {
        if (WritingError)
        {
            if (newLine)
            {
                WriteDiagnostic(FormatStyle.Error, value);
            }
            else
            {
                lock (_writeLock)
                {
                    Console.Error.Write(GetOutputString(value, supportsVirtualTerminal: !Console.IsErrorRedirected));
                }
            }

            return;
        }

        lock (_writeLock)
        {
            _progress.Hide();
            string text = GetOutputString(value, supportsVirtualTerminal: !Console.IsOutputRedirected);
            if (newLine)
            {
                Console.Out.WriteLine(text);
            }
            else
            {
                Console.Out.Write(text);
            }
        }
    }

    private void WriteDiagnostic(FormatStyle style, string value)
    {
        lock (_writeLock)
        {
            _progress.Hide();
            bool terminal = !Console.IsErrorRedirected;
            string text = value;
            if (terminal && !new System.Management.Automation.Internal.StringDecorated(value).IsDecorated)
            {
                // The engine's error views colour their own text; plain messages get the stream's colour.
                text = GetFormatStyleString(style) + value + PSStyle.Instance.Reset;
            }

            Console.Error.WriteLine(GetOutputString(text, supportsVirtualTerminal: terminal));
        }
    }
}
