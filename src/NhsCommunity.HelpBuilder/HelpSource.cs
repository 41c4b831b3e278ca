using System.Xml.Linq;

namespace NhsCommunity.HelpBuilder;

/// <summary>
/// One cmdlet's prose, src/NhsCommunity/Help/&lt;Cmdlet&gt;.xml: a MAML command element holding only what a
/// person writes (synopsis, description, parameter descriptions, input and output descriptions, notes,
/// examples, related links). Everything the cmdlet can say about itself is generated, so it is refused here.
/// </summary>
public sealed class HelpSource
{
    private static readonly XName[] Allowed =
    [
        Maml.Command + "details", Maml.Ns + "description", Maml.Command + "parameters", Maml.Command + "inputTypes",
        Maml.Command + "returnValues", Maml.Ns + "alertSet", Maml.Command + "examples", Maml.Command + "relatedLinks",
    ];

    private readonly XElement _root;

    private HelpSource(string path, XElement root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public string? CommandName => _root.Element(Maml.Command + "details")?.Element(Maml.Command + "name")?.Value.Trim();

    public XElement? Synopsis => _root.Element(Maml.Command + "details")?.Element(Maml.Ns + "description");

    public XElement? Description => _root.Element(Maml.Ns + "description");

    public XElement? Notes => _root.Element(Maml.Ns + "alertSet");

    public XElement? Examples => _root.Element(Maml.Command + "examples");

    public XElement? RelatedLinks => _root.Element(Maml.Command + "relatedLinks");

    /// <summary>Parameter descriptions by parameter name, in the order written.</summary>
    public IReadOnlyList<(string Name, XElement Description)> Parameters =>
        Described(Maml.Command + "parameters", Maml.Command + "parameter", e => e.Element(Maml.Ns + "name"));

    /// <summary>Descriptions of the types piped in, by type name.</summary>
    public IReadOnlyList<(string Name, XElement Description)> InputTypes =>
        Described(Maml.Command + "inputTypes", Maml.Command + "inputType", e => e.Element(Maml.Dev + "type")?.Element(Maml.Ns + "name"));

    /// <summary>Descriptions of the output types, by type name.</summary>
    public IReadOnlyList<(string Name, XElement Description)> Outputs =>
        Described(Maml.Command + "returnValues", Maml.Command + "returnValue", e => e.Element(Maml.Dev + "type")?.Element(Maml.Ns + "name"));

    public static HelpSource Load(string path) => new(path, XElement.Load(path));

    /// <summary>Each way the file is not plain prose, as "path: what to change".</summary>
    public IEnumerable<string> StructureProblems()
    {
        if (_root.Name != Maml.Command + "command")
        {
            yield return $"{Path}: the root element must be command:command (MAML), not {_root.Name.LocalName}.";
            yield break;
        }

        foreach (XElement element in _root.Elements())
        {
            if (element.Name == Maml.Command + "syntax")
            {
                yield return $"{Path}: remove <command:syntax>: the syntax of each parameter set is generated from the cmdlet.";
            }
            else if (!Allowed.Contains(element.Name))
            {
                yield return $"{Path}: <{element.Name.LocalName}> is not part of the prose; allowed are details, description, parameters, inputTypes, returnValues, alertSet, examples and relatedLinks.";
            }
        }

        foreach (XElement extra in _root.Element(Maml.Command + "details")?.Elements().Where(e => e.Name != Maml.Command + "name" && e.Name != Maml.Ns + "description") ?? [])
        {
            yield return $"{Path}: remove <{extra.Name.LocalName}> from <command:details>: it is generated from the cmdlet.";
        }

        foreach (XElement parameter in _root.Element(Maml.Command + "parameters")?.Elements(Maml.Command + "parameter") ?? [])
        {
            string name = parameter.Element(Maml.Ns + "name")?.Value.Trim() ?? "?";
            var generated = parameter.Attributes().Select(a => a.Name.LocalName + "=")
                .Concat(parameter.Elements().Where(e => e.Name != Maml.Ns + "name" && e.Name != Maml.Ns + "description").Select(e => "<" + e.Name.LocalName + ">"))
                .ToList();
            if (generated.Count > 0)
            {
                yield return $"{Path}: parameter {name}: remove {string.Join(", ", generated)}: type, required, position, pipeline input, aliases, wildcards and default come from the cmdlet; keep <maml:name> and <maml:description> only.";
            }
        }
    }

    private List<(string Name, XElement Description)> Described(XName list, XName item, Func<XElement, XElement?> name) =>
        (_root.Element(list)?.Elements(item) ?? [])
            .Select(e => (Name: name(e)?.Value.Trim() ?? "", Description: e.Element(Maml.Ns + "description") ?? new XElement(Maml.Ns + "description")))
            .ToList();
}
