using System.Management.Automation.Language;

namespace NhsCommunity.Shell;

/// <summary>Tells whether typed text is an unfinished statement (an open brace, quote or pipe) that needs more lines.</summary>
internal static class InputCompleteness
{
    public static bool IsIncomplete(string text)
    {
        Parser.ParseInput(text, out _, out ParseError[] errors);
        return errors.Length > 0 && errors.Any(e => e.IncompleteInput);
    }
}
