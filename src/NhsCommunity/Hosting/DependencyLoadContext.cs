using System.Reflection;
using System.Runtime.Loader;

namespace NhsCommunity.Commands.Hosting;

/// <summary>
/// Holds the third-party packages the core uses (Npgsql, ExcelDataReader and what they need), loaded from
/// module/Dependencies apart from PowerShell's default context, so another module's copy of the same
/// package, in any version, can never clash with ours.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory)
        : base(nameof(NhsCommunity), isCollectible: false)
    {
        _directory = directory;
    }

    /// <summary>Whether the module ships this assembly in its Dependencies folder.</summary>
    public bool Ships(AssemblyName assemblyName) => File.Exists(PathOf(assemblyName));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // A package's own dependencies come from our folder too; anything we do not ship (the runtime
        // itself) comes from the default context.
        return Ships(assemblyName) ? LoadFromAssemblyPath(PathOf(assemblyName)) : null;
    }

    private string PathOf(AssemblyName assemblyName) => Path.Combine(_directory, assemblyName.Name + ".dll");
}
