using System.Management.Automation;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// The word being completed, as typed (possibly quoted, possibly with wildcards), and the results built
/// for it: values matching it as a prefix or wildcard, case-insensitively, quoted when they need quotes.
/// </summary>
internal readonly struct CompletionWord
{
    private readonly WildcardPattern _pattern;
    private readonly char _quote;

    public CompletionWord(string? wordToComplete)
    {
        string word = wordToComplete ?? string.Empty;
        _quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word[0] : '\0';
        Text = word.Trim('\'', '"');
        _pattern = new WildcardPattern(WildcardPattern.ContainsWildcardCharacters(Text) ? Text : Text + "*", WildcardOptions.IgnoreCase);
    }

    /// <summary>The word without its quotes.</summary>
    public string Text { get; }

    public bool Matches(string value) => _pattern.IsMatch(value);

    public CompletionResult Result(string value, string toolTip)
    {
        bool needsQuotes = _quote != '\0' || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or ',' or '(' or ')' or '{' or '}' or '@' or '#' or '&' or '|');
        char quote = _quote == '"' ? '"' : '\'';
        string text = needsQuotes ? quote + value.Replace("'", quote == '\'' ? "''" : "'", StringComparison.Ordinal) + quote : value;
        return new CompletionResult(text, value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(toolTip) ? value : toolTip);
    }
}
