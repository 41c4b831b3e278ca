using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Commands;

/// <summary>Completes service keys (audiology, ltc_diabetes, ...) from the catalogue, the one list of them.</summary>
public sealed class ServiceKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (string key in ServiceCatalogue.Keys)
        {
            if (pattern.IsMatch(key))
            {
                yield return new CompletionResult(key, key, CompletionResultType.ParameterValue, key);
            }
        }
    }
}
