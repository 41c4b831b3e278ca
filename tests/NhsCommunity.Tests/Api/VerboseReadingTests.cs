using System.Text.RegularExpressions;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>-Verbose on the cmdlets that read workbooks says, per file, what was read.</summary>
[Trait("Category", "Pwsh")]
public sealed partial class VerboseReadingTests
{
    [Fact]
    public void Import_and_Test_CommunityWorkbook_say_per_file_which_month_sheets_and_records_were_read_and_how_long_it_took()
    {
        using var temp = new TempDirectory();
        var august = new WorkbookSpec(new DateTime(2024, 8, 1));
        var december = new WorkbookSpec(new DateTime(2024, 12, 1));
        CommunityWorkbookWriter.Write(temp.File(august.FileName), august);
        CommunityWorkbookWriter.Write(temp.File(december.FileName), december);

        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["dir"] = temp.Path };
        ScriptResult import = session.Run("Import-CommunityWorkbook -Path ([System.IO.Path]::Combine($dir, '*.xlsx')) -OrganisationType All -Verbose", variables);
        ScriptResult test = session.Run("Test-CommunityWorkbook -Path ([System.IO.Path]::Combine($dir, '*.xlsx')) -Verbose", variables);

        Assert.Empty(import.Errors);
        string[] reads = [.. import.Verbose.Select(Timeless)];
        int augustRecords = import.Output.Count(o => ((Month)o.Properties["Period"].Value).Number == 8);
        int decemberRecords = import.Output.Count - augustRecords;
        Assert.True(augustRecords > 100 && decemberRecords > 100);
        Assert.Equal(
            [
                $"Read '{temp.File(august.FileName)}': 2024-08, {augustRecords} records from 8 band sheets (Table 4, Table 4a, Table 4b, Table 4c, Table 4d, Table 4e, Table 4f, Table 4g) of {SheetCount(temp.File(august.FileName))}, # ms.",
                $"Read '{temp.File(december.FileName)}': 2024-12, {decemberRecords} records from 9 band sheets (Table 4, Table 4a, Table 4b, Table 4c, Table 4d, Table 4e, Table 4f, Table 4g, Table 4h) of {SheetCount(temp.File(december.FileName))}, # ms.",
            ],
            reads);

        Assert.Equal(
            [
                reads[0], $"Checked '{temp.File(august.FileName)}': {test.Output.Count(o => ((Month)o.Properties["Period"].Value).Number == 8)} finding(s).",
                reads[1], $"Checked '{temp.File(december.FileName)}': {test.Output.Count(o => ((Month)o.Properties["Period"].Value).Number == 12)} finding(s).",
            ],
            test.Verbose.Select(Timeless));
    }

    private static int SheetCount(string file) => new NhsCommunity.Workbooks.WorkbookImporter().Read(file).SheetNames.Count;

    private static string Timeless(string line) => Milliseconds().Replace(line, "# ms.");

    [GeneratedRegex(@"\d+ ms\.$")]
    private static partial Regex Milliseconds();
}
