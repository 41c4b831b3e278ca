using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace NhsCommunity.Commands.Completion;

/// <summary>
/// Completes periods (months, yyyy-MM, newest first) present in trust_metrics when a database is
/// configured (-ConnectionString on the command line, NHSCOMMUNITY_CONNECTION or the PG* variables); the
/// tooltip says how many trusts have community data for that month. Nothing is offered without a database.
/// Use: [ArgumentCompleter(typeof(PeriodCompleter))].
/// </summary>
public sealed class PeriodCompleter : IArgumentCompleter
{
    private const string Sql = """
        SELECT to_char(period, 'YYYY-MM'),
               'community data for ' || count(community_data)::text || ' trust(s)'
        FROM trust_metrics
        WHERE to_char(period, 'YYYY-MM-DD') LIKE @word || '%'
        GROUP BY to_char(period, 'YYYY-MM')
        ORDER BY 1 DESC
        LIMIT 120
        """;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = new CompletionWord(wordToComplete);
        string literal = word.Text.Replace("*", string.Empty, StringComparison.Ordinal).Replace("?", string.Empty, StringComparison.Ordinal);
        return DatabaseCompletionSource.Query(fakeBoundParameters, Sql, literal)
            .Select(row => word.Result(row.Value, $"{row.Value}: {row.ToolTip}"))
            .ToList();
    }
}
