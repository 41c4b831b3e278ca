using System.Collections.ObjectModel;
using System.Management.Automation.Host;
using System.Text;

namespace NhsCommunity.Shell;

/// <summary>
/// The text of a PowerShell choice prompt (-Confirm, ShouldContinue) and the matching of an answer:
/// "[Y] Yes  [A] Yes to All  [N] No  [?] Help (default is "Y"): ", answered by hot key or by label.
/// </summary>
internal sealed class ChoiceMenu
{
    private readonly List<(string Label, string HotKey, string HelpMessage)> _choices;
    private readonly int _defaultChoice;

    public ChoiceMenu(Collection<ChoiceDescription> choices, int defaultChoice)
    {
        _choices = choices.Select(c => Parse(c.Label, c.HelpMessage)).ToList();
        _defaultChoice = defaultChoice;
    }

    public string PromptText
    {
        get
        {
            var text = new StringBuilder();
            foreach (var (label, hotKey, _) in _choices)
            {
                text.Append(hotKey.Length > 0 ? $"[{hotKey}] {label}  " : $"{label}  ");
            }

            text.Append("[?] Help");
            if (_defaultChoice >= 0 && _defaultChoice < _choices.Count)
            {
                var choice = _choices[_defaultChoice];
                text.Append(" (default is \"").Append(choice.HotKey.Length > 0 ? choice.HotKey : choice.Label).Append("\")");
            }

            return text.Append(": ").ToString();
        }
    }

    public IEnumerable<string> HelpLines =>
        _choices.Select(c => $"{(c.HotKey.Length > 0 ? c.HotKey : c.Label)} - {c.HelpMessage}");

    /// <summary>The index the answer picks, or null when it picks nothing (ask again).</summary>
    public int? Match(string answer)
    {
        if (answer.Length == 0)
        {
            return _defaultChoice >= 0 && _defaultChoice < _choices.Count ? _defaultChoice : null;
        }

        int byKey = _choices.FindIndex(c => c.HotKey.Length > 0 && string.Equals(c.HotKey, answer, StringComparison.OrdinalIgnoreCase));
        if (byKey >= 0)
        {
            return byKey;
        }

        int byLabel = _choices.FindIndex(c => string.Equals(c.Label, answer, StringComparison.OrdinalIgnoreCase));
        return byLabel >= 0 ? byLabel : null;
    }

    /// <summary>"Yes to &amp;All" has the label "Yes to All" and the hot key "A".</summary>
    private static (string Label, string HotKey, string HelpMessage) Parse(string label, string? helpMessage)
    {
        int amp = label.IndexOf('&', StringComparison.Ordinal);
        string hotKey = amp >= 0 && amp + 1 < label.Length ? char.ToUpperInvariant(label[amp + 1]).ToString() : string.Empty;
        return (label.Replace("&", string.Empty, StringComparison.Ordinal), hotKey, helpMessage ?? string.Empty);
    }
}
