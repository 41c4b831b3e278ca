using System.Management.Automation;

namespace NhsCommunity.Shell;

/// <summary>
/// One round of Tab completion: the engine's matches for the text at the cursor, and the text that
/// results from choosing the next (Tab) or previous (Shift+Tab) of them, cycling like pwsh without PSReadLine.
/// </summary>
internal sealed class TabCompletion
{
    private readonly string _original;
    private readonly CommandCompletion _completion;

    private TabCompletion(string original, CommandCompletion completion)
    {
        _original = original;
        _completion = completion;
    }

    /// <summary>Asks the engine for completions; null when there are none (or the engine failed).</summary>
    public static TabCompletion? Start(string text, int cursor, Func<PowerShell> createPowerShell)
    {
        try
        {
            using PowerShell ps = createPowerShell();
            CommandCompletion completion = CommandCompletion.CompleteInput(text, cursor, null, ps);
            return completion.CompletionMatches.Count == 0 ? null : new TabCompletion(text, completion);
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            // Completion is a convenience: a failure in a completer must never break the prompt.
            return null;
        }
    }

    /// <summary>Moves to the next (or previous) match and returns the line and cursor it gives.</summary>
    public (string Text, int Cursor) Next(bool backwards)
    {
        CompletionResult match = _completion.GetNextResult(!backwards);
        int start = _completion.ReplacementIndex;
        string text = string.Concat(_original.AsSpan(0, start), match.CompletionText, _original.AsSpan(start + _completion.ReplacementLength));
        return (text, start + match.CompletionText.Length);
    }
}
