using NhsCommunity.HelpBuilder;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Help;

/// <summary>The built module's metadata, read once for the generator tests (importing the module takes a second or two).</summary>
public sealed class ModuleFactsFixture
{
    public IReadOnlyList<CmdletFacts> Cmdlets { get; } = CmdletFactsReader.Read(RepositoryPaths.Manifest);
}

/// <summary>
/// The help generator refuses prose that is missing or describes what the cmdlet does not have, naming
/// the file and saying what to write, so a new parameter (or a renamed property) cannot ship undocumented.
/// Each test edits a copy of the real Help folder in a per-run temporary folder.
/// </summary>
public sealed class HelpBuilderTests : IClassFixture<ModuleFactsFixture>, IDisposable
{
    private static readonly string HelpSourceDirectory = Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity", "Help");

    private readonly IReadOnlyList<CmdletFacts> _cmdlets;
    private readonly string _folder = Directory.CreateTempSubdirectory("nhscommunity-help-").FullName;

    public HelpBuilderTests(ModuleFactsFixture facts)
    {
        _cmdlets = facts.Cmdlets;
        foreach (string file in Directory.EnumerateFiles(HelpSourceDirectory, "*.xml"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_real_prose_builds_with_no_problem_and_covers_every_exported_cmdlet()
    {
        HelpBuildResult result = MamlBuilder.Build(_cmdlets, _folder);

        Assert.Empty(result.Problems);
        Assert.Equal(14, _cmdlets.Count);
        Assert.Equal(_cmdlets.Count, result.Document.Root!.Elements(Maml.Command + "command").Count());
    }

    [Fact]
    public void A_parameter_without_a_description_fails_naming_the_file_and_the_parameter()
    {
        Edit("ConvertTo-CommunityJsonb", text => RemoveParameter(text, "IncludeNonNhs"));

        string problem = Assert.Single(MamlBuilder.Build(_cmdlets, _folder).Problems);

        Assert.Contains("ConvertTo-CommunityJsonb.xml: parameter -IncludeNonNhs of ConvertTo-CommunityJsonb has no description", problem, StringComparison.Ordinal);
        Assert.Contains("<maml:name>IncludeNonNhs</maml:name>", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_of_a_parameter_the_cmdlet_does_not_have_fails()
    {
        Edit("ConvertTo-CommunityJsonb", text => text.Replace("<maml:name>IncludeNonNhs</maml:name>", "<maml:name>IncludeAll</maml:name>", StringComparison.Ordinal));

        AssertProblems(
            "-IncludeNonNhs of ConvertTo-CommunityJsonb has no description",
            "describes parameter -IncludeAll, which ConvertTo-CommunityJsonb does not have");
    }

    [Fact]
    public void Hand_written_syntax_and_parameter_metadata_are_refused()
    {
        Edit("ConvertTo-CommunityJsonb", text => text
            .Replace("  <command:parameters>", "  <command:syntax><command:syntaxItem><maml:name>ConvertTo-CommunityJsonb</maml:name></command:syntaxItem></command:syntax>\n  <command:parameters>", StringComparison.Ordinal)
            .Replace("<command:parameter>\n      <maml:name>InputObject</maml:name>", "<command:parameter required=\"true\">\n      <maml:name>InputObject</maml:name><dev:type><maml:name>CommunityRecord[]</maml:name></dev:type>", StringComparison.Ordinal));

        AssertProblems(
            "ConvertTo-CommunityJsonb.xml: remove <command:syntax>: the syntax of each parameter set is generated from the cmdlet.",
            "ConvertTo-CommunityJsonb.xml: parameter InputObject: remove required=, <type>:");
    }

    [Fact]
    public void An_output_type_that_is_not_declared_fails_and_a_declared_one_must_be_described()
    {
        Edit("ConvertTo-CommunityJsonb", text => text.Replace("<maml:name>NhsCommunity.Documents.CommunityDocument</maml:name>", "<maml:name>NhsCommunity.Documents.Document</maml:name>", StringComparison.Ordinal));

        AssertProblems(
            "output type NhsCommunity.Documents.CommunityDocument ([OutputType] of ConvertTo-CommunityJsonb) has no description",
            "describes output type NhsCommunity.Documents.Document, which is not an [OutputType] of ConvertTo-CommunityJsonb");
    }

    [Fact]
    public void An_input_type_whose_properties_do_not_bind_fails()
    {
        // WorkbookFinding has no RunId property: piping it into Restore-TrustMetrics cannot bind -RunId.
        Edit("Restore-TrustMetrics", text => text.Replace("<maml:name>NhsCommunity.Database.TrustMetricsWriteResult</maml:name>", "<maml:name>NhsCommunity.Workbooks.Checks.WorkbookFinding</maml:name>", StringComparison.Ordinal));

        string problem = Assert.Single(MamlBuilder.Build(_cmdlets, _folder).Problems);

        Assert.Contains("describes input type NhsCommunity.Workbooks.Checks.WorkbookFinding, but Restore-TrustMetrics cannot take it from the pipeline", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cmdlet_without_prose_and_prose_without_a_cmdlet_both_fail()
    {
        File.Move(Path.Combine(_folder, "ConvertTo-CommunityJsonb.xml"), Path.Combine(_folder, "ConvertTo-CommunityJson.xml"));

        AssertProblems(
            "ConvertTo-CommunityJson.xml: the module exports no cmdlet named ConvertTo-CommunityJson",
            "ConvertTo-CommunityJsonb.xml: missing");
    }

    /// <summary>The build's problems are exactly one for each part, each containing it.</summary>
    private void AssertProblems(params string[] parts)
    {
        var problems = MamlBuilder.Build(_cmdlets, _folder).Problems;
        Assert.Equal(parts.Length, problems.Count);
        Assert.All(parts, part => Assert.Single(problems, p => p.Contains(part, StringComparison.Ordinal)));
    }

    private void Edit(string cmdlet, Func<string, string> change)
    {
        string path = Path.Combine(_folder, cmdlet + ".xml");
        string before = File.ReadAllText(path);
        string after = change(before);
        Assert.NotEqual(before, after);
        File.WriteAllText(path, after);
    }

    private static string RemoveParameter(string text, string name)
    {
        int nameAt = text.IndexOf($"<maml:name>{name}</maml:name>", StringComparison.Ordinal);
        int start = text.LastIndexOf("<command:parameter>", nameAt, StringComparison.Ordinal);
        int end = text.IndexOf("</command:parameter>", nameAt, StringComparison.Ordinal) + "</command:parameter>".Length;
        return text.Remove(start, end - start);
    }
}
