using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Help;

/// <summary>
/// The help's examples can run on the real workbooks: every trust code they name has community data in
/// them (RGT, used before, has none), and every ./chs/ wildcard matches a real workbook.
/// </summary>
public sealed partial class HelpExampleDataTests
{
    private const string ExampleCode = "Get-Command -Module NhsCommunity -CommandType Cmdlet | ForEach-Object { (Get-Help $_.Name).examples.example | ForEach-Object { \"$($_.code)\" } }";

    [SkippableFact]
    public void Every_trust_code_in_the_examples_has_records_in_the_real_workbooks()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        using var session = new PowerShellSession();
        var examples = session.Invoke(ExampleCode).Select(o => o.ToString()).ToList();
        var withData = session.Invoke("Import-CommunityWorkbook -Path $Pattern | ForEach-Object OrganisationCode",
            new Dictionary<string, object?> { ["Pattern"] = Path.Combine(RepositoryPaths.RealWorkbookDirectory, "*.xlsx") }).Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);

        var named = examples.SelectMany(TrustCodes).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain("RGT", withData);
        Assert.Superset(new HashSet<string>(["RA9", "RXQ", "R0A", "TAD"]), named);
        Assert.Subset(withData, named);
    }

    [SkippableFact]
    public void Every_chs_wildcard_in_the_examples_matches_a_real_workbook()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        using var session = new PowerShellSession();
        var examples = session.Invoke(ExampleCode).Select(o => o.ToString()).ToList();

        var patterns = examples.SelectMany(e => ChsPath().Matches(e).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.True(patterns.Count >= 4, "expected the examples to read ./chs/*.xlsx, *July.xlsx, *2024-25-August.xlsx, *2024-25-January.xlsx");
        foreach (string pattern in patterns)
        {
            Assert.True(Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, pattern).Any(), $"./chs/{pattern} matches no real workbook");
        }

        Assert.DoesNotContain(examples, e => e.Contains("./data", StringComparison.Ordinal) || e.Contains(@".\", StringComparison.Ordinal) || e.Contains(@"C:\", StringComparison.Ordinal));
    }

    /// <summary>The words and strings of an example that look like trust codes (R plus two, or a former care trust's T code).</summary>
    private static IEnumerable<string> TrustCodes(string code)
    {
        ScriptBlockAst ast = Parser.ParseInput(code, out _, out _);
        return ast.FindAll(a => a is StringConstantExpressionAst, searchNestedScriptBlocks: true)
            .Select(a => ((StringConstantExpressionAst)a).Value)
            .Where(v => TrustCode().IsMatch(v));
    }

    [GeneratedRegex("^(R[A-Z0-9]{2}|TA[DHJ])$")]
    private static partial Regex TrustCode();

    [GeneratedRegex(@"\./chs/([^\s'""|)]+)")]
    private static partial Regex ChsPath();
}
