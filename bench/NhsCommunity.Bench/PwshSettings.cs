namespace NhsCommunity.Bench;

/// <summary>
/// What the pwsh runs of the import and backfill benchmarks use: the modules to compare (--module NAME=PATH,
/// repeatable: a built module's manifest, say of the branch point in another worktree; default: this
/// repository's, named "current") and extra environment for every child (--env NAME=VALUE, repeatable, such
/// as DOTNET_ReadyToRun=0 or DOTNET_TieredPGO=0 to see how much of a run is JIT).
/// </summary>
internal sealed class PwshSettings
{
    private readonly List<(string Name, string Manifest)> _modules = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public IReadOnlyList<(string Name, string Manifest)> Modules =>
        _modules.Count > 0 ? _modules : [("current", Path.Combine(BenchPaths.RepositoryRoot, "NhsCommunity.psd1"))];

    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Takes the option if it is one of these; false for any other.</summary>
    public bool Accept(string option, string value)
    {
        switch (option)
        {
            case "--module":
                int equals = value.IndexOf('=', StringComparison.Ordinal);
                string name = equals > 0 ? value[..equals] : $"module{_modules.Count + 1}";
                string path = Path.GetFullPath(equals > 0 ? value[(equals + 1)..] : value);
                if (Directory.Exists(path))
                {
                    path = Path.Combine(path, "NhsCommunity.psd1");
                }

                if (!File.Exists(path))
                {
                    throw new ArgumentException($"--module {value}: no manifest at {path}. Build that tree first (dotnet build Cmdlets.sln -c Release).");
                }

                _modules.Add((name, path));
                return true;
            case "--env":
                int sign = value.IndexOf('=', StringComparison.Ordinal);
                if (sign <= 0)
                {
                    throw new ArgumentException($"--env {value}: give NAME=VALUE.");
                }

                _environment[value[..sign]] = value[(sign + 1)..];
                return true;
            default:
                return false;
        }
    }
}
