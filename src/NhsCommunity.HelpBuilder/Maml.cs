using System.Xml.Linq;

namespace NhsCommunity.HelpBuilder;

/// <summary>The three XML namespaces of MAML command help, and element helpers.</summary>
public static class Maml
{
    public static readonly XNamespace Ns = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace HelpItems = "http://msh";

    /// <summary>A maml:description of paragraphs.</summary>
    public static XElement Description(params string[] paragraphs) =>
        new(Ns + "description", paragraphs.Select(p => new XElement(Ns + "para", p)));

    /// <summary>A dev:type naming a type.</summary>
    public static XElement DevType(string name) => new(Dev + "type", new XElement(Ns + "name", name));
}
