namespace NhsCommunity.Bench;

/// <summary>Where the repository and the shared real workbooks are, found from the running binary.</summary>
internal static class BenchPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string RealWorkbookDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "chs"));

    public static string[] RealWorkbooks() =>
        Directory.Exists(RealWorkbookDirectory)
            ? Directory.EnumerateFiles(RealWorkbookDirectory, "*.xlsx").Order(StringComparer.Ordinal).ToArray()
            : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cmdlets.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
