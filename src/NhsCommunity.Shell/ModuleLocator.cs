namespace NhsCommunity.Shell;

/// <summary>
/// Finds the NhsCommunity manifest to import: an explicit path (option or environment variable) wins;
/// otherwise the first folder above the shell that holds NhsCommunity.psd1 with the laid-out module
/// (the repository: module/NhsCommunity.dll; a package folder: NhsCommunity.dll beside the manifest).
/// </summary>
internal static class ModuleLocator
{
    public const string ManifestFileName = "NhsCommunity.psd1";

    public const string OverrideVariable = "NHSCOMMUNITY_MODULE";

    public static string? Find(string? explicitPath)
    {
        string? requested = explicitPath ?? NullIfEmpty(Environment.GetEnvironmentVariable(OverrideVariable));
        if (requested is not null)
        {
            string full = Path.GetFullPath(requested);
            return Directory.Exists(full) ? Path.Combine(full, ManifestFileName) : full;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (IsModuleFolder(dir.FullName))
            {
                return Path.Combine(dir.FullName, ManifestFileName);
            }
        }

        return null;
    }

    private static bool IsModuleFolder(string directory) =>
        File.Exists(Path.Combine(directory, ManifestFileName))
        && (File.Exists(Path.Combine(directory, "module", "NhsCommunity.dll")) || File.Exists(Path.Combine(directory, "NhsCommunity.dll")));

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
