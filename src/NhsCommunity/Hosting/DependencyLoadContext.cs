using System.Reflection;
using System.Runtime.Loader;

namespace NhsCommunity.Commands.Hosting;

/// <summary>
/// Loads the core and its packages (Npgsql, ExcelDataReader, ...) from module/Dependencies, apart from
/// PowerShell's default context, so another module's copy of the same package can never clash with ours.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory)
        : base(nameof(NhsCommunity), isCollectible: false)
    {
        _directory = directory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string path = Path.Combine(_directory, assemblyName.Name + ".dll");

        // Anything we do not ship (the runtime itself) comes from the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
