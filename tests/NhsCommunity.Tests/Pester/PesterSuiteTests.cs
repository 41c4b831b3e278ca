using NhsCommunity.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NhsCommunity.Tests.Pester;

/// <summary>
/// The Pester journeys (tests/pester/*.Tests.ps1) in real pwsh against the built module and a real
/// PostgreSQL: one xUnit test per Pester file, failing with every failed Pester test and its error. Pester
/// runs once for all of them; a skipped Pester test fails here too, since the suite has no skips.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class PesterSuiteTests(PesterRun run, ITestOutputHelper output) : IClassFixture<PesterRun>
{
    /// <summary>Runs the help's examples on the real workbooks and the trust_metrics fixture.</summary>
    private const string HelpExamplesFile = "Help.Examples.Tests.ps1";

    public static TheoryData<string> TestFiles()
    {
        var files = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(PesterRun.SuiteDirectory, "*.Tests.ps1").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(file));
        }

        return files;
    }

    [SkippableTheory]
    [MemberData(nameof(TestFiles))]
    public void Pester_file_passes_in_pwsh(string file)
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        Skip.IfNot(PwshProcess.IsRestored, PwshProcess.NotRestoredReason);
        if (file == HelpExamplesFile)
        {
            Skip.IfNot(RepositoryPaths.HasRealWorkbooks && TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        }

        PesterFile? result = run.Files.SingleOrDefault(f => Path.GetFileName(f.File) == file);

        Assert.True(result is not null, $"Pester did not run {file}.\n{run.Process}");
        output.WriteLine($"{file}: {result.Passed} passed, {result.Failed.Count} failed, {result.Skipped.Count} skipped");
        Assert.True(result.Error.Length == 0, $"{file} failed outside its tests (BeforeAll, discovery):\n{result.Error}");
        Assert.True(result.Failed.Count == 0, $"{result.Failed.Count} Pester test(s) failed in {file}:\n\n"
            + string.Join("\n\n", result.Failed.Select(f => $"{f.Name}\n{f.Error}")));
        Assert.True(result.Skipped.Count == 0, $"Pester skipped tests in {file} (the suite has none to skip):\n" + string.Join("\n", result.Skipped));
        Assert.True(result.Passed > 0, $"{file} ran no test.");
    }
}
