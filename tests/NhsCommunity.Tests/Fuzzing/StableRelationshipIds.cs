using System.Text.RegularExpressions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// The Open XML SDK gives relationships random ids ("R3f2a..."), so two runs of the generator write different
/// bytes, and a seed that damages bytes (FlipBytes, TruncateFile) would hit different places. Renumbering the
/// ids in order of appearance makes a generated workbook the same file every run, so every seed replays.
/// </summary>
internal static partial class StableRelationshipIds
{
    public static WorkbookPackage Apply(WorkbookPackage package)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in package.PartNames.Where(p => p.EndsWith(".rels", StringComparison.Ordinal)))
        {
            foreach (Match id in RelationshipId().Matches(package.Text(part)))
            {
                ids.TryAdd(id.Groups["id"].Value, $"rId{ids.Count + 1}");
            }
        }

        foreach (string part in package.PartNames.Where(p => p.EndsWith(".xml", StringComparison.Ordinal) || p.EndsWith(".rels", StringComparison.Ordinal)))
        {
            string text = package.Text(part);
            string renumbered = RelationshipId().Replace(text, m => ids.TryGetValue(m.Groups["id"].Value, out string? stable) ? m.Groups["attribute"].Value + stable + "\"" : m.Value);
            if (renumbered != text)
            {
                package = package.WithText(part, renumbered);
            }
        }

        return package;
    }

    [GeneratedRegex(@"(?<attribute>\b(?:Id|r:id)="")(?<id>[^""]+)""")]
    private static partial Regex RelationshipId();
}
