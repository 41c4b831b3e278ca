using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace NhsCommunity.Commands.Hosting;

/// <summary>
/// The "ALC loader" pattern: the default context is taught to find only NhsCommunity.Core, and finds it
/// in our own load context; everything the core needs is then resolved there.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private const string CoreAssemblyName = "NhsCommunity.Core";

    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

    private static readonly Lazy<DependencyLoadContext> Context = new(() => new DependencyLoadContext(DependencyDirectory));

    public void OnImport()
    {
        AssemblyLoadContext.Default.Resolving += ResolveCore;
    }

    private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        return name.Name == CoreAssemblyName && Directory.Exists(DependencyDirectory)
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
    }
}
