using System.Management.Automation;

namespace NhsCommunity.Commands;

/// <summary>
/// Resolves -Path (wildcards) or -LiteralPath for the cmdlets that read workbooks but already derive from
/// DatabaseCommandBase (so cannot derive from FileInputCmdlet): files are taken as they are, a folder means
/// the *.xlsx and *.xls workbooks in it (ordinal order). Problems are per-item errors with the ids
/// "&lt;Cmdlet&gt;PathNotFound" and "&lt;Cmdlet&gt;PathNotFileSystem"; the other paths are still used.
/// </summary>
internal static class WorkbookPaths
{
    public static List<string> Resolve(PSCmdlet cmdlet, string errorIdPrefix, IEnumerable<string> paths, bool literal)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            IEnumerable<string> resolved;
            ProviderInfo provider;
            try
            {
                if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
                {
                    resolved = [cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _)];
                }
                else
                {
                    resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException)
            {
                NotFound(cmdlet, errorIdPrefix, path, e);
                continue;
            }

            if (provider.Name != "FileSystem")
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ArgumentException($"Cannot read '{path}' because it is on the {provider.Name} provider, not the file system. Give a file or folder path."),
                    errorIdPrefix + "PathNotFileSystem",
                    ErrorCategory.InvalidArgument,
                    path));
                continue;
            }

            int before = files.Count;
            foreach (string item in resolved.Order(StringComparer.Ordinal))
            {
                if (Directory.Exists(item))
                {
                    files.AddRange(Directory.EnumerateFiles(item)
                        .Where(f => f.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".xls", StringComparison.OrdinalIgnoreCase))
                        .Order(StringComparer.Ordinal));
                }
                else if (File.Exists(item))
                {
                    files.Add(item);
                }
            }

            if (files.Count == before)
            {
                NotFound(cmdlet, errorIdPrefix, path, null);
            }
        }

        return files;
    }

    private static void NotFound(PSCmdlet cmdlet, string errorIdPrefix, string path, Exception? inner) =>
        cmdlet.WriteError(new ErrorRecord(
            new FileNotFoundException($"Cannot find a workbook at '{path}': no such file, or a folder with no .xlsx files in it.", path, inner),
            errorIdPrefix + "PathNotFound",
            ErrorCategory.ObjectNotFound,
            path));
}
