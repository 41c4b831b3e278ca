using System.Xml;
using NhsCommunity.HelpBuilder;

// NhsCommunity.HelpBuilder <manifest.psd1> <prose folder> <output .xml>
// Problems are printed in MSBuild's error format, so the build that runs this fails and lists them.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: NhsCommunity.HelpBuilder <manifest.psd1> <Help folder of <Cmdlet>.xml prose> <output NhsCommunity.dll-Help.xml>");
    return 2;
}

string manifest = Path.GetFullPath(args[0]);
string source = Path.GetFullPath(args[1]);
string output = Path.GetFullPath(args[2]);

IReadOnlyList<CmdletFacts> cmdlets = CmdletFactsReader.Read(manifest);
HelpBuildResult result = MamlBuilder.Build(cmdlets, source);
if (result.Problems.Count > 0)
{
    foreach (string problem in result.Problems)
    {
        Console.Error.WriteLine($"error NHSHELP: {problem}");
    }

    return 1;
}

Directory.CreateDirectory(Path.GetDirectoryName(output)!);
var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), NewLineChars = "\n" };
using (XmlWriter writer = XmlWriter.Create(output, settings))
{
    result.Document.Save(writer);
}

Console.WriteLine($"Help for {cmdlets.Count} cmdlets written to {output}");
return 0;
