using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace NhsCommunity.HelpBuilder;

/// <summary>
/// Imports the built module into a runspace of the PowerShell 7.6 engine, as a user would, and reads each
/// exported cmdlet's metadata from the engine (CmdletInfo): the same source Get-Command and the parameter
/// binder use, so the help cannot describe a cmdlet other than the one that runs.
/// </summary>
public static class CmdletFactsReader
{
    public static IReadOnlyList<CmdletFacts> Read(string manifestPath)
    {
        using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using PowerShell shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddCommand("Import-Module").AddParameter("Name", manifestPath).AddParameter("PassThru").AddParameter("ErrorAction", "Stop");
        var module = (PSModuleInfo)shell.Invoke().Single().BaseObject;
        return module.ExportedCmdlets.Values
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(Describe)
            .ToList();
    }

    private static CmdletFacts Describe(CmdletInfo cmdlet)
    {
        var common = new HashSet<string>(Cmdlet.CommonParameters, StringComparer.OrdinalIgnoreCase);
        var sets = cmdlet.ParameterSets
            .OrderByDescending(s => s.IsDefault)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        bool singleSet = sets.Count == 1;

        var uses = new Dictionary<string, List<(CommandParameterInfo Info, ParameterUse Use)>>(StringComparer.Ordinal);
        foreach (CommandParameterSetInfo set in sets)
        {
            foreach (CommandParameterInfo parameter in set.Parameters.Where(p => !common.Contains(p.Name)))
            {
                if (!uses.TryGetValue(parameter.Name, out var list))
                {
                    uses[parameter.Name] = list = [];
                }

                int? position = parameter.Position == int.MinValue ? null : parameter.Position;
                list.Add((parameter, new ParameterUse(set.Name, parameter.IsMandatory, position, parameter.ValueFromPipeline, parameter.ValueFromPipelineByPropertyName)));
            }
        }

        var defaults = DefaultValues(cmdlet.ImplementingType);
        var parameters = uses.Select(entry =>
        {
            CommandParameterInfo info = entry.Value[0].Info;
            return new ParameterFacts(
                info.Name,
                info.ParameterType,
                info.Aliases.ToList(),
                info.Attributes.OfType<SupportsWildcardsAttribute>().Any(),
                ValidValues(info),
                defaults.TryGetValue(info.Name, out string? value) ? value : "None",
                entry.Value.Select(u => u.Use).ToList());
        }).ToList();

        var parameterSets = sets
            .Select(s => new ParameterSetFacts(singleSet ? "" : s.Name, s.IsDefault, s.Parameters.Where(p => !common.Contains(p.Name)).Select(p => p.Name).ToList()))
            .ToList();

        var outputs = cmdlet.ImplementingType.GetCustomAttributes<OutputTypeAttribute>()
            .SelectMany(a => a.Type.Select(t => new OutputFacts(t.Type?.FullName ?? t.Name, a.ParameterSetName?.Where(n => n != ParameterAttribute.AllParameterSets).ToList() ?? [])))
            .ToList();

        return new CmdletFacts(cmdlet.Name, cmdlet.Verb, cmdlet.Noun, parameters, parameterSets, outputs);
    }

    /// <summary>The values a [ValidateSet] allows, or an enum's names (also of a nullable enum or an enum array).</summary>
    private static List<string> ValidValues(CommandParameterInfo parameter)
    {
        if (parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault() is { } set)
        {
            return set.ValidValues.ToList();
        }

        Type type = TypeNames.ElementType(parameter.ParameterType);
        return type.IsEnum ? Enum.GetNames(type).ToList() : [];
    }

    /// <summary>
    /// Each parameter property's initial value, read from two fresh instances of the cmdlet class. A value
    /// that differs between them (a new GUID each run) is no fixed default and is reported as None.
    /// </summary>
    private static Dictionary<string, string> DefaultValues(Type cmdletType)
    {
        object first = Activator.CreateInstance(cmdletType)!;
        object second = Activator.CreateInstance(cmdletType)!;
        try
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (PropertyInfo property in cmdletType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttributes<ParameterAttribute>().Any() && property.GetIndexParameters().Length == 0)
                {
                    string a = DefaultText(property.GetValue(first));
                    values[property.Name] = a == DefaultText(property.GetValue(second)) ? a : "None";
                }
            }

            return values;
        }
        finally
        {
            (first as IDisposable)?.Dispose();
            (second as IDisposable)?.Dispose();
        }
    }

    private static string DefaultText(object? value) => value switch
    {
        null => "None",
        SwitchParameter s => s.IsPresent ? "True" : "False",
        string { Length: 0 } => "None",
        string s => s,
        ICollection { Count: 0 } => "None",
        IEnumerable items => string.Join(", ", items.Cast<object>()),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "None",
    };
}
