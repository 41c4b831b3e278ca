namespace NhsCommunity.HelpBuilder;

/// <summary>Finds a type by full name among the assemblies loaded so far, in any load context (the module's included).</summary>
public static class LoadedTypes
{
    public static Type? Find(string fullName) =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(fullName, throwOnError: false))
            .FirstOrDefault(t => t is not null);
}
