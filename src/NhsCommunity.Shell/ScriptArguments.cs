using System.Management.Automation.Runspaces;

namespace NhsCommunity.Shell;

/// <summary>
/// Turns the words after -File into parameters as pwsh does: "-Name" names a parameter (the binder pairs
/// it with the next word unless it is a switch), "-Name:value" gives both ("-Switch:$false" turns a switch
/// off), anything else is positional.
/// </summary>
internal static class ScriptArguments
{
    public static IEnumerable<CommandParameter> ToParameters(IEnumerable<string> arguments)
    {
        string? pendingName = null;
        foreach (string argument in arguments)
        {
            if (pendingName is not null)
            {
                // "-Name: value" (colon, then the value as the next word).
                yield return new CommandParameter(pendingName, argument);
                pendingName = null;
                continue;
            }

            if (argument.Length > 1 && argument[0] == '-')
            {
                // The leading dash is kept: it is what tells the binder this word is a parameter name.
                int colon = argument.IndexOf(':', StringComparison.Ordinal);
                if (colon == argument.Length - 1)
                {
                    pendingName = argument[..colon];
                }
                else if (colon > 1)
                {
                    yield return new CommandParameter(argument[..colon], ValueOf(argument[(colon + 1)..]));
                }
                else
                {
                    yield return new CommandParameter(argument);
                }

                continue;
            }

            yield return new CommandParameter(null, argument);
        }

        if (pendingName is not null)
        {
            yield return new CommandParameter(pendingName);
        }
    }

    /// <summary>"-Switch:$false" arrives from a Unix shell as literal text; pwsh reads $true/$false as booleans.</summary>
    private static object ValueOf(string text) => text.ToLowerInvariant() switch
    {
        "$true" => true,
        "$false" => false,
        _ => text,
    };
}
