using System.Collections.Frozen;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Matches a service header as the workbook prints it: "(A) Audiology", "(CYP) Audiology". Asks the catalogue
/// first; falls back to the printed prefixes because ServiceDefinition.HeaderText spells the category out
/// ("(Adult) Audiology"), which no published header does, so the catalogue alone matches nothing.
/// </summary>
internal static class PublishedServiceHeader
{
    private static readonly FrozenDictionary<string, ServiceDefinition> ByPrintedHeader =
        ServiceCatalogue.All.ToFrozenDictionary(s => ServiceCatalogue.Normalise($"{Prefix(s.Category)} {s.Name}"), StringComparer.Ordinal);

    public static bool TryMatch(string header, out ServiceDefinition service) =>
        ServiceCatalogue.TryMatch(header, out service) || ByPrintedHeader.TryGetValue(ServiceCatalogue.Normalise(header), out service!);

    private static string Prefix(ServiceCategory category) => category == ServiceCategory.Adult ? "(A)" : "(CYP)";
}
