using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Completes organisation types (National, Region, ICB, Provider) for parameters that take them as text
/// (an enum-typed parameter completes by itself). Use: [ArgumentCompleter(typeof(OrganisationTypeCompleter))].
/// </summary>
public sealed class OrganisationTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = new CompletionWord(wordToComplete);
        foreach (string name in Enum.GetNames<OrganisationType>())
        {
            if (word.Matches(name))
            {
                yield return word.Result(name, "Table 4 rows at " + name + " level");
            }
        }
    }
}
