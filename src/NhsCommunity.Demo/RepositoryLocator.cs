namespace NhsCommunity.Demo;

/// <summary>The repository the demo was built in: the first folder above it with NhsCommunity.psd1 and the laid-out module.</summary>
internal static class RepositoryLocator
{
    public const string ManifestFileName = "NhsCommunity.psd1";

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ManifestFileName))
                && File.Exists(Path.Combine(dir.FullName, "module", "NhsCommunity.dll")))
            {
                return dir.FullName;
            }
        }

        throw new DemoUsageException(
            "The module is not built beside this program. Run it from the repository: dotnet run --project src/NhsCommunity.Demo -c Release");
    }
}
