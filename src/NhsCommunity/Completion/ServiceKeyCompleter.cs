using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Completes service keys (audiology, ltc_diabetes, ...) from the catalogue; the tooltip names the
/// workbook column(s) the key stands for, adult and CYP.
/// Use: [ArgumentCompleter(typeof(ServiceKeyCompleter))].
/// </summary>
public sealed class ServiceKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = new CompletionWord(wordToComplete);
        foreach (string key in ServiceCatalogue.Keys)
        {
            if (word.Matches(key))
            {
                yield return word.Result(key, ToolTip(key));
            }
        }
    }

    private static string ToolTip(string key) =>
        string.Join(Environment.NewLine, ServiceCatalogue.All.Where(s => s.Key == key).Select(s => s.HeaderText));
}
