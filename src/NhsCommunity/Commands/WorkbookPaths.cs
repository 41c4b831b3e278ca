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
    /// <param name="failed">Told of each path that named no workbook (path, message), for callers that count failures.</param>
    public static List<string> Resolve(PSCmdlet cmdlet, string errorIdPrefix, IEnumerable<string> paths, bool literal, Action<string, string>? failed = null)
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
                // Not failed?.Invoke(path, NotFound(...)): that would skip writing the error when nobody counts.
                string message = NotFound(cmdlet, errorIdPrefix, path, e);
                failed?.Invoke(path, message);
                continue;
            }

            if (provider.Name != "FileSystem")
            {
                var problem = new ArgumentException($"Cannot read '{path}' because it is on the {provider.Name} provider, not the file system. Give a file or folder path.");
                cmdlet.WriteError(new ErrorRecord(problem, errorIdPrefix + "PathNotFileSystem", ErrorCategory.InvalidArgument, path));
                failed?.Invoke(path, problem.Message);
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
                string message = NotFound(cmdlet, errorIdPrefix, path, null);
                failed?.Invoke(path, message);
            }
        }

        return files;
    }

    private static string NotFound(PSCmdlet cmdlet, string errorIdPrefix, string path, Exception? inner)
    {
        var problem = new FileNotFoundException($"Cannot find a workbook at '{path}': no such file, or a folder with no .xlsx files in it.", path, inner);
        cmdlet.WriteError(new ErrorRecord(problem, errorIdPrefix + "PathNotFound", ErrorCategory.ObjectNotFound, path));
        return problem.Message;
    }
}
