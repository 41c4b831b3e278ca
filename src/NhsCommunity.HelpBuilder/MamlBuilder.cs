using System.Xml.Linq;

namespace NhsCommunity.HelpBuilder;

/// <summary>The help document, or the reasons it could not be written (each names the file and what to do).</summary>
public sealed record HelpBuildResult(XDocument Document, IReadOnlyList<string> Problems);

/// <summary>
/// Joins each cmdlet's prose with its metadata into one MAML document (en-US/NhsCommunity.dll-Help.xml):
/// a syntax block per parameter set, each parameter's type, aliases, required, position, pipeline input,
/// wildcards, valid values and default, INPUTS from the pipeline parameters and OUTPUTS from [OutputType].
/// Prose that is missing (a cmdlet, a parameter, an output type) or describes what the cmdlet does not have
/// is a problem, so the help can neither lag behind the code nor describe code that is gone.
/// </summary>
public static class MamlBuilder
{
    private const string AnyObject = "System.Management.Automation.PSObject";

    /// <summary>Parameters every ShouldProcess cmdlet has; their text is the engine's own.</summary>
    private static readonly Dictionary<string, string> StandardDescriptions = new(StringComparer.Ordinal)
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. The cmdlet is not run.",
        ["Confirm"] = "Prompts you for confirmation before running the cmdlet.",
    };

    public static HelpBuildResult Build(IReadOnlyList<CmdletFacts> cmdlets, string sourceDirectory)
    {
        var problems = new List<string>();
        var root = new XElement(Maml.HelpItems + "helpItems",
            new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml.Ns),
            new XAttribute(XNamespace.Xmlns + "command", Maml.Command),
            new XAttribute(XNamespace.Xmlns + "dev", Maml.Dev));

        var names = new HashSet<string>(cmdlets.Select(c => c.Name), StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(sourceDirectory, "*.xml").Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (!names.Contains(name))
            {
                problems.Add($"{file}: the module exports no cmdlet named {name}; rename or remove the file.");
            }
        }

        foreach (CmdletFacts cmdlet in cmdlets)
        {
            string path = System.IO.Path.Combine(sourceDirectory, cmdlet.Name + ".xml");
            if (!File.Exists(path))
            {
                problems.Add($"{path}: missing: every exported cmdlet needs its prose (synopsis, description, parameters, outputs, examples, links) in Help/{cmdlet.Name}.xml.");
                continue;
            }

            HelpSource source;
            try
            {
                source = HelpSource.Load(path);
            }
            catch (System.Xml.XmlException e)
            {
                problems.Add($"{path}: not well-formed XML: {e.Message}");
                continue;
            }

            int before = problems.Count;
            problems.AddRange(source.StructureProblems());
            problems.AddRange(ProseProblems(cmdlet, source));
            if (problems.Count == before)
            {
                root.Add(Command(cmdlet, source));
            }
        }

        return new HelpBuildResult(new XDocument(new XDeclaration("1.0", "utf-8", null), root), problems);
    }

    private static IEnumerable<string> ProseProblems(CmdletFacts cmdlet, HelpSource source)
    {
        if (source.CommandName != cmdlet.Name)
        {
            yield return $"{source.Path}: <command:details><command:name> is '{source.CommandName}', expected {cmdlet.Name}.";
        }

        if (!HasText(source.Synopsis))
        {
            yield return $"{source.Path}: no synopsis: add <maml:description> to <command:details>.";
        }

        if (!HasText(source.Description))
        {
            yield return $"{source.Path}: no description: add <maml:description> under <command:command>.";
        }

        var written = source.Parameters;
        foreach (var group in written.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"{source.Path}: parameter {group.Key} is described {group.Count()} times.";
        }

        foreach (ParameterFacts parameter in cmdlet.Parameters)
        {
            bool described = written.Any(p => p.Name == parameter.Name && HasText(p.Description));
            if (!described && !StandardDescriptions.ContainsKey(parameter.Name))
            {
                yield return $"{source.Path}: parameter -{parameter.Name} of {cmdlet.Name} has no description: add <command:parameter><maml:name>{parameter.Name}</maml:name><maml:description><maml:para>...</maml:para></maml:description></command:parameter> to <command:parameters>.";
            }
        }

        foreach (var (name, _) in written.Where(p => cmdlet.Parameters.All(f => f.Name != p.Name)))
        {
            yield return $"{source.Path}: describes parameter -{name}, which {cmdlet.Name} does not have (names are case-sensitive here); remove it or correct its name.";
        }

        var inputs = InputTypes(cmdlet, source).Select(i => i.TypeName).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in source.InputTypes.Where(i => !inputs.Contains(i.Name)))
        {
            yield return $"{source.Path}: describes input type {name}, but {cmdlet.Name} cannot take it from the pipeline (its inputs are {string.Join(", ", inputs)}): a type named here for binding by property name must be a loaded type whose properties (or the parameters' aliases) fill every mandatory parameter of some parameter set.";
        }

        var outputs = cmdlet.Outputs.Select(o => o.TypeName).ToHashSet(StringComparer.Ordinal);
        foreach (string output in outputs.Where(o => !source.Outputs.Any(w => w.Name == o && HasText(w.Description))))
        {
            yield return $"{source.Path}: output type {output} ([OutputType] of {cmdlet.Name}) has no description: add a <command:returnValue> with <dev:type><maml:name>{output}</maml:name></dev:type>.";
        }

        foreach (var (name, _) in source.Outputs.Where(o => !outputs.Contains(o.Name)))
        {
            yield return $"{source.Path}: describes output type {name}, which is not an [OutputType] of {cmdlet.Name} ({string.Join(", ", outputs)}).";
        }
    }

    private static XElement Command(CmdletFacts cmdlet, HelpSource source)
    {
        var order = source.Parameters.Select(p => p.Name).ToList();
        var parameters = cmdlet.Parameters
            .OrderBy(p => order.IndexOf(p.Name) is var i and >= 0 ? i : int.MaxValue)
            .ToList();

        return new XElement(Maml.Command + "command",
            new XElement(Maml.Command + "details",
                new XElement(Maml.Command + "name", cmdlet.Name),
                new XElement(Maml.Command + "verb", cmdlet.Verb),
                new XElement(Maml.Command + "noun", cmdlet.Noun),
                source.Synopsis),
            source.Description,
            new XElement(Maml.Command + "syntax", cmdlet.ParameterSets.Select(set => SyntaxItem(cmdlet, set, parameters))),
            new XElement(Maml.Command + "parameters", parameters.Select(p => Parameter(p, Described(source, p)))),
            new XElement(Maml.Command + "inputTypes", InputTypes(cmdlet, source).Select(i => InputType(i, source))),
            new XElement(Maml.Command + "returnValues", cmdlet.Outputs.Select(o => new XElement(Maml.Command + "returnValue",
                Maml.DevType(o.TypeName),
                source.Outputs.First(w => w.Name == o.TypeName).Description))),
            source.Notes,
            source.Examples,
            source.RelatedLinks);
    }

    /// <summary>One syntax line: positional parameters by position, then mandatory ones, then the rest, in the prose's order.</summary>
    private static XElement SyntaxItem(CmdletFacts cmdlet, ParameterSetFacts set, List<ParameterFacts> ordered)
    {
        var members = ordered
            .Where(p => set.ParameterNames.Contains(p.Name))
            .Select(p => (Facts: p, Use: p.Sets.First(s => s.SetName == set.Name || set.Name.Length == 0)))
            .OrderBy(m => m.Use.Position ?? int.MaxValue)
            .ThenBy(m => m.Use.Mandatory ? 0 : 1)
            .ToList();

        return new XElement(Maml.Command + "syntaxItem",
            new XElement(Maml.Ns + "name", cmdlet.Name),
            members.Select(m => new XElement(Maml.Command + "parameter",
                Attributes(m.Facts, m.Use.Mandatory, m.Use.Position, m.Use.ByValue, m.Use.ByPropertyName),
                new XElement(Maml.Ns + "name", m.Facts.Name),
                m.Facts.IsSwitch ? null : Value(m.Facts))));
    }

    private static XElement Parameter(ParameterFacts parameter, XElement description) =>
        new(Maml.Command + "parameter",
            Attributes(parameter, parameter.Mandatory, parameter.Position, parameter.ByValue, parameter.ByPropertyName),
            new XElement(Maml.Ns + "name", parameter.Name),
            description,
            TypeValue(parameter),
            parameter.ValidValues.Count > 0 ? Value(parameter) : null,
            Maml.DevType(TypeNames.FullName(parameter.Type)),
            new XElement(Maml.Dev + "defaultValue", parameter.DefaultValue));

    private static IEnumerable<XAttribute> Attributes(ParameterFacts parameter, bool mandatory, int? position, bool byValue, bool byPropertyName)
    {
        string pipeline = (byValue, byPropertyName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        yield return new XAttribute("required", mandatory ? "true" : "false");
        yield return new XAttribute("variableLength", IsArray(parameter) ? "true" : "false");
        yield return new XAttribute("globbing", parameter.SupportsWildcards ? "true" : "false");
        yield return new XAttribute("pipelineInput", pipeline);
        yield return new XAttribute("position", position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named");
        yield return new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
    }

    /// <summary>The value a parameter takes: its set of values ({Adult | CYP}) where it has one, else its type.</summary>
    private static XElement Value(ParameterFacts parameter)
    {
        if (parameter.ValidValues.Count > 0)
        {
            return new XElement(Maml.Command + "parameterValueGroup", parameter.ValidValues.Select(v =>
                new XElement(Maml.Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v)));
        }

        return TypeValue(parameter);
    }

    private static XElement TypeValue(ParameterFacts parameter)
    {
        return new XElement(Maml.Command + "parameterValue",
            new XAttribute("required", parameter.IsSwitch ? "false" : "true"),
            new XAttribute("variableLength", IsArray(parameter) ? "true" : "false"),
            TypeNames.ShortName(parameter.Type));
    }

    private static XElement Described(HelpSource source, ParameterFacts parameter)
    {
        XElement? written = source.Parameters.FirstOrDefault(p => p.Name == parameter.Name).Description;
        XElement description = written is not null && HasText(written)
            ? new XElement(written)
            : Maml.Description(StandardDescriptions[parameter.Name]);
        if (parameter.ValidValues.Count > 0)
        {
            description.Add(new XElement(Maml.Ns + "para", "Values: " + string.Join(", ", parameter.ValidValues) + "."));
        }

        return description;
    }

    private sealed record InputFacts(string TypeName, string Binding);

    /// <summary>
    /// What can be piped in: each by-value parameter's element type; each type the prose names whose
    /// properties bind by name (checked: in some parameter set every mandatory parameter finds a property);
    /// and any object, with the property names and aliases that bind.
    /// </summary>
    private static List<InputFacts> InputTypes(CmdletFacts cmdlet, HelpSource source)
    {
        var inputs = cmdlet.Parameters
            .Where(p => p.ByValue)
            .GroupBy(p => TypeNames.FullName(TypeNames.ElementType(p.Type)), StringComparer.Ordinal)
            .Select(g => new InputFacts(g.Key, $"Binds by value to {string.Join(" and ", g.Select(p => "-" + p.Name))}."))
            .ToList();

        var byName = cmdlet.Parameters.Where(p => p.ByPropertyName).ToList();
        foreach (var (name, _) in source.InputTypes.Where(i => inputs.All(g => g.TypeName != i.Name) && i.Name != AnyObject))
        {
            if (LoadedTypes.Find(name) is { } type && PropertyBindings(cmdlet, type) is { Count: > 0 } bindings)
            {
                inputs.Add(new InputFacts(name, $"Binds by property name: {string.Join(", ", bindings)}."));
            }
        }

        if (byName.Count > 0)
        {
            inputs.Add(new InputFacts(AnyObject, "Any object with these properties binds them by property name: "
                + string.Join("; ", byName.Select(p => $"{string.Join(" or ", new[] { p.Name }.Concat(p.Aliases))} to -{p.Name}"))
                + "."));
        }

        if (inputs.Count == 0)
        {
            inputs.Add(new InputFacts("None", $"{cmdlet.Name} takes no input from the pipeline."));
        }

        return inputs;
    }

    /// <summary>
    /// "RunId to -RunId" for each property of the type that binds by name, when in some parameter set every
    /// mandatory parameter is bound that way; empty when piping the type alone cannot run the cmdlet.
    /// </summary>
    private static List<string> PropertyBindings(CmdletFacts cmdlet, Type type)
    {
        var properties = type.GetProperties().Select(p => p.Name).ToList();
        string? Match(ParameterFacts p) =>
            properties.FirstOrDefault(name => new[] { p.Name }.Concat(p.Aliases).Contains(name, StringComparer.OrdinalIgnoreCase));

        foreach (ParameterSetFacts set in cmdlet.ParameterSets)
        {
            var members = cmdlet.Parameters.Where(p => set.ParameterNames.Contains(p.Name))
                .Select(p => (Facts: p, Use: p.Sets.First(s => s.SetName == set.Name || set.Name.Length == 0)))
                .ToList();
            bool runs = members.Where(m => m.Use.Mandatory).All(m => m.Use.ByPropertyName && Match(m.Facts) is not null);
            var bound = members.Where(m => m.Use.ByPropertyName && Match(m.Facts) is not null).ToList();
            if (runs && bound.Count > 0)
            {
                return bound.Select(m => $"{Match(m.Facts)} to -{m.Facts.Name}").ToList();
            }
        }

        return [];
    }

    private static XElement InputType(InputFacts input, HelpSource source)
    {
        XElement? written = source.InputTypes.FirstOrDefault(i => i.Name == input.TypeName).Description;
        XElement description = written is not null ? new XElement(written) : new XElement(Maml.Ns + "description");
        description.Add(new XElement(Maml.Ns + "para", input.Binding));
        return new XElement(Maml.Command + "inputType", Maml.DevType(input.TypeName), description);
    }

    private static bool IsArray(ParameterFacts parameter) => (Nullable.GetUnderlyingType(parameter.Type) ?? parameter.Type).IsArray;

    private static bool HasText(XElement? element) => element is not null && !string.IsNullOrWhiteSpace(element.Value);
}
