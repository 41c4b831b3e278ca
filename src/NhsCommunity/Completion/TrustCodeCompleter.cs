using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Completes trust codes from trust_metrics when a database is configured (-ConnectionString on the
/// command line, NHSCOMMUNITY_CONNECTION or the PG* variables); the word may be the start of a code or part of a trust's
/// name ("leeds" offers RR8, RY6). The tooltip is the trust's name. Nothing is offered without a database.
/// Use: [ArgumentCompleter(typeof(TrustCodeCompleter))].
/// </summary>
public sealed class TrustCodeCompleter : IArgumentCompleter
{
    private const string Sql = """
        SELECT trust_code, max(trust_name)
        FROM trust_metrics
        WHERE trust_code ILIKE @word || '%' OR trust_name ILIKE '%' || @word || '%'
        GROUP BY trust_code
        ORDER BY trust_code
        LIMIT 200
        """;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = new CompletionWord(wordToComplete);
        string literal = word.Text.Replace("*", string.Empty, StringComparison.Ordinal).Replace("?", string.Empty, StringComparison.Ordinal);
        return DatabaseCompletionSource.Query(fakeBoundParameters, Sql, literal)
            .Select(row => word.Result(row.Value, $"{row.Value} {row.ToolTip}"))
            .ToList();
    }
}
