using System.Reflection;
using System.Runtime.Loader;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Loading;

[Trait("Category", "Pwsh")]
public class DependencyIsolationTests
{
    /// <summary>
    /// PowerShell lists the module assembly's public types before the module's initializer can teach the
    /// default load context where the core is. A public type that needs the core to be laid out (a field
    /// of one of its value types, a base type) breaks Import-Module wherever the core is not on the
    /// host's own probing path, which is everywhere but this test process: so look with the core hidden.
    /// </summary>
    [Fact]
    public void The_module_assemblys_public_types_load_without_the_core()
    {
        string modulePath = Path.Combine(RepositoryPaths.Root, "module", "NhsCommunity.dll");
        var context = new CoreHidingLoadContext();
        try
        {
            Assembly module = context.LoadFromAssemblyPath(modulePath);
            Type[] exported = module.GetExportedTypes();
            Assert.Contains(exported, t => t.Name == "ImportCommunityWorkbookCommand");
            Assert.Equal(0, context.CoreRequests);
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class CoreHidingLoadContext() : AssemblyLoadContext("core-hidden", isCollectible: true)
    {
        public int CoreRequests { get; private set; }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == "NhsCommunity.Core")
            {
                CoreRequests++;
                throw new FileNotFoundException("hidden by the test", assemblyName.Name);
            }

            return null;
        }
    }
}
