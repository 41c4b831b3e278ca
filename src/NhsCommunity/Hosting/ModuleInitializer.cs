using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace NhsCommunity.Commands.Hosting;

/// <summary>
/// The "ALC loader" pattern. The module's own assemblies (the cmdlets and NhsCommunity.Core) live in
/// PowerShell's default context, so scripts can name their types ([NhsCommunity.Workbooks.CommunityRecord],
/// -is, typed parameters). The default context cannot find the core's packages, and asks the Resolving
/// handler below, which loads exactly the assemblies in module/Dependencies into the module's own context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private const string CoreAssemblyName = "NhsCommunity.Core";

    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    private static readonly Lazy<DependencyLoadContext> Dependencies =
        new(() => new DependencyLoadContext(Path.Combine(ModuleDirectory, "Dependencies")));

    private static int _registered;

    public void OnImport()
    {
        // Once per process: every runspace that imports the module shares the one default context.
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += Resolve;
        }

        // Loaded now, not on first use, so that its types can be named right after Import-Module.
        _ = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(CoreAssemblyName));
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (name.Name == CoreAssemblyName)
        {
            string core = Path.Combine(ModuleDirectory, CoreAssemblyName + ".dll");
            return File.Exists(core) ? defaultContext.LoadFromAssemblyPath(core) : null;
        }

        // Also reached when another module loaded a different version of the package into the default
        // context first: the default context refuses that copy for our reference and asks here.
        return Dependencies.Value.Ships(name) ? Dependencies.Value.LoadFromAssemblyName(name) : null;
    }
}
