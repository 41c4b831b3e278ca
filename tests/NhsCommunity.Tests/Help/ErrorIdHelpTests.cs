using System.Reflection;
using System.Xml.Linq;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Help;

/// <summary>
/// Scripts match on FullyQualifiedErrorId, so every reader error id is public API: the help of
/// Import-CommunityWorkbook lists each one, and a new id cannot ship undocumented.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ErrorIdHelpTests
{
    [Fact]
    public void Import_help_lists_every_reader_error_id()
    {
        string[] ids = typeof(WorkbookErrorIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
        string alerts = string.Join(
            " ",
            XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity", "Help", "Import-CommunityWorkbook.xml"))
                .Descendants(maml + "alert")
                .Select(a => a.Value));
        string[] listed = alerts.Split([' ', ',', '.', '\n', '\r', '\t', '(', ')', ':'], StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(21, ids.Length);
        string[] missing = ids.Where(id => !listed.Contains(id, StringComparer.Ordinal)).ToArray();
        Assert.Equal([], missing);
    }
}
