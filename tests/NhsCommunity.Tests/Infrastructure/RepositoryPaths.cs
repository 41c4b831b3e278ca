namespace NhsCommunity.Tests.Infrastructure;

/// <summary>Where the repository, its manifest and the shared real data are, found from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "NhsCommunity.psd1");

    /// <summary>The shared folder beside the checkout: real workbooks and the trust_metrics fixture.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string RealWorkbookDirectory => Path.Combine(Shared, "data", "chs");

    public static string TrustMetricsFixture => Path.Combine(Shared, "data", "trust_metrics_fixture.csv");

    public static bool HasRealWorkbooks => Prerequisite.Check(
        Directory.Exists(RealWorkbookDirectory) && Directory.EnumerateFiles(RealWorkbookDirectory, "*.xlsx").Any(), NoSharedReason);

    public const string NoSharedReason = "../shared/data is absent (a fresh clone): the tests on real NHS England workbooks need it beside the checkout";

    public static string RealWorkbook(string month) =>
        Directory.EnumerateFiles(RealWorkbookDirectory, $"*-{month}.xlsx").Single();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cmdlets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cmdlets.sln not found above " + AppContext.BaseDirectory);
    }
}
