using System.Collections.ObjectModel;
using System.Management.Automation;

namespace NhsCommunity.Commands.PathResolution;

/// <summary>
/// The -Path / -LiteralPath pair of cmdlets that read files, as Import-Csv has it: -Path takes wildcards and
/// strings from the pipeline; -LiteralPath (aliases PSPath, LP, FullName) binds by property name, so
/// Get-ChildItem output, [System.IO.FileInfo] objects and [pscustomobject]@{PSPath=...} all work. Paths are
/// resolved through the session (current location, PSDrives, providers). A path that names nothing, or
/// something that is not a file, is a per-item error; the other paths are still processed.
/// Also owns the cancellation token that StopProcessing cancels.
/// </summary>
public abstract class FileInputCmdlet : PSCmdlet, IDisposable
{
    protected const string PathParameterSet = "Path";
    protected const string LiteralPathParameterSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Files to read. Wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathParameterSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, exactly as typed: no wildcard expansion.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathParameterSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Cancelled when the user presses Ctrl+C or a downstream Select-Object -First stops the pipeline.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>The prefix of this cmdlet's error ids: "ImportCommunityWorkbook" for ImportCommunityWorkbookCommand.</summary>
    protected virtual string ErrorIdPrefix
    {
        get
        {
            string name = GetType().Name;
            return name.EndsWith("Command", StringComparison.Ordinal) ? name[..^"Command".Length] : name;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The file-system paths this record's -Path or -LiteralPath names, in order. Problems (no match, not a
    /// file, another provider) are written as errors with ids "&lt;Cmdlet&gt;PathNotFound",
    /// "&lt;Cmdlet&gt;PathIsDirectory" and "&lt;Cmdlet&gt;PathNotFileSystem".
    /// </summary>
    protected IReadOnlyList<string> ResolveFiles()
    {
        var files = new List<string>();
        bool literal = ParameterSetName == LiteralPathParameterSet;
        foreach (string path in literal ? LiteralPath : Path)
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
            {
                ResolveOne(path, literal, files);
            }
            else
            {
                ResolvePattern(path, files);
            }
        }

        return files;
    }

    protected override void StopProcessing() => _stopping.Cancel();

    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _stopping.Dispose();
        }

        _disposed = true;
    }

    private void ResolveOne(string path, bool literal, List<string> files)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException)
        {
            WritePathNotFound(path, e);
            return;
        }

        if (!IsFileSystem(provider, path))
        {
            return;
        }

        if (Directory.Exists(resolved))
        {
            WriteError(new ErrorRecord(
                new IOException($"Cannot read '{resolved}' because it is a directory. To read the workbooks in it, use -Path '{System.IO.Path.Combine(path, "*.xlsx")}'."),
                ErrorIdPrefix + "PathIsDirectory",
                ErrorCategory.InvalidArgument,
                path));
            return;
        }

        if (!File.Exists(resolved))
        {
            WritePathNotFound(literal ? path : resolved, null);
            return;
        }

        files.Add(resolved);
    }

    private void ResolvePattern(string pattern, List<string> files)
    {
        try
        {
            Collection<string> matches = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out ProviderInfo provider);
            if (!IsFileSystem(provider, pattern))
            {
                return;
            }

            // A pattern such as * may match folders too; they are not workbooks and are passed over quietly.
            var matched = matches.Where(File.Exists).Order(StringComparer.Ordinal).ToList();
            if (matched.Count == 0)
            {
                WritePathNotFound(pattern, null);
            }

            files.AddRange(matched);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException)
        {
            WritePathNotFound(pattern, e);
        }
    }

    private bool IsFileSystem(ProviderInfo provider, string path)
    {
        if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            return true;
        }

        WriteError(new ErrorRecord(
            new ArgumentException($"Cannot read '{path}' because it is on the {provider.Name} provider, not the file system. Give a file path."),
            ErrorIdPrefix + "PathNotFileSystem",
            ErrorCategory.InvalidArgument,
            path));
        return false;
    }

    private void WritePathNotFound(string path, Exception? inner)
    {
        WriteError(new ErrorRecord(
            new FileNotFoundException($"Cannot find path '{path}' because it does not exist.", path, inner),
            ErrorIdPrefix + "PathNotFound",
            ErrorCategory.ObjectNotFound,
            path));
    }
}
