using System.Globalization;
using System.Management.Automation;
using System.Xml.Linq;
using Npgsql;
using NhsCommunity.Catalogue;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Mapping;

/// <summary>Get-TrustMapping in the engine: the four real workbooks against trust_metrics loaded from the fixture CSV.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class GetTrustMappingCommandTests
{
    private static void SkipUnlessReady()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TrustMetricsFixtureLoader.HasFixture, RepositoryPaths.NoSharedReason);
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
    }

    private static Dictionary<string, string> DatabaseTrusts(string connectionString)
    {
        var trusts = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT trust_code, trust_name, period FROM trust_metrics ORDER BY period", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            trusts[reader.GetString(0)] = reader.GetString(1); // the latest period's name wins
        }

        return trusts;
    }

    [SkippableFact]
    public void Maps_every_provider_of_the_real_workbooks_against_the_fixture_trusts()
    {
        SkipUnlessReady();
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("mapping");

        // A renamed trust: only the name of its latest period counts. The fixture's latest names all match the workbooks'.
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var rename = new NpgsqlCommand("""
                UPDATE trust_metrics SET trust_name = 'BRADFORD DISTRICT CARE TRUST' WHERE trust_code = 'TAD' AND period = '2025-07-01';
                UPDATE trust_metrics SET trust_name = 'AN OLD NAME' WHERE trust_code = 'RGT' AND period = '2024-08-01';
                """, connection);
            rename.ExecuteNonQuery();
        }

        Dictionary<string, string> database = DatabaseTrusts(connectionString);

        var providers = new Dictionary<string, SortedSet<DateTime>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx"))
        {
            foreach (CommunityRecord record in new WorkbookImporter().Read(file).Records.Where(r => r.OrganisationType == OrganisationType.Provider))
            {
                if (!providers.TryGetValue(record.OrganisationCode, out var periods))
                {
                    providers[record.OrganisationCode] = periods = [];
                }

                periods.Add(record.Period);
            }
        }

        using var session = new PowerShellSession();
        ScriptResult result = session.Run(
            "Get-TrustMapping -Path \"$folder/*.xlsx\" -ConnectionString $cs",
            new Dictionary<string, object?> { ["folder"] = RepositoryPaths.RealWorkbookDirectory, ["cs"] = connectionString });

        Assert.Equal([], result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e));
        var entries = result.Output.Select(o => (TrustMappingEntry)o.BaseObject).ToList();
        Assert.Equal(providers.Keys.Union(database.Keys).Order(StringComparer.Ordinal), entries.Select(e => e.TrustCode));
        foreach (TrustMappingEntry entry in entries)
        {
            bool inWorkbooks = providers.TryGetValue(entry.TrustCode, out var periods);
            bool inDatabase = database.TryGetValue(entry.TrustCode, out string? name);
            TrustMappingStatus expected = !inWorkbooks ? TrustMappingStatus.InDatabaseNotInWorkbooks
                : !TrustCodes.IsNhsTrust(entry.TrustCode) ? TrustMappingStatus.NonNhsProvider
                : inDatabase ? TrustMappingStatus.Matched
                : TrustMappingStatus.NhsTrustNotInDatabase;
            Assert.Equal(expected, entry.Status);
            Assert.Equal(inDatabase ? name : "", entry.DatabaseName);
            Assert.Equal(periods?.ToArray() ?? [], entry.PeriodDates);
            Assert.Equal(string.Join(';', (periods ?? []).Select(p => p.ToString("yyyy-MM", CultureInfo.InvariantCulture))), entry.Periods);
            Assert.Equal(entry.NameDifference.Length > 0, entry.NameDiffers);
        }

        TrustMappingEntry tad = entries.Single(e => e.TrustCode == "TAD");
        Assert.Equal(TrustMappingStatus.Matched, tad.Status);
        Assert.Equal(4, tad.PeriodCount);
        Assert.Contains(entries, e => e.Status == TrustMappingStatus.NonNhsProvider && e.TrustCode == "NQV");
        Assert.Contains(entries, e => e.Status == TrustMappingStatus.NhsTrustNotInDatabase);
        Assert.Equal("workbook: NHS FOUNDATION; database: (nothing else)", tad.NameDifference);
        Assert.Equal("BRADFORD DISTRICT CARE TRUST", tad.DatabaseName);
        TrustMappingEntry rgt = entries.Single(e => e.TrustCode == "RGT");
        Assert.False(rgt.NameDiffers, rgt.NameDifference);
        Assert.Equal([tad], entries.Where(e => e.NameDiffers));
    }

    [SkippableFact]
    public void Records_from_the_pipeline_and_FileInfo_objects_give_the_same_report_as_Path()
    {
        SkipUnlessReady();
        string connectionString = TrustMetricsFixtureLoader.NewDatabaseWithFixture("mapping");
        string august = RepositoryPaths.RealWorkbook("2024-25-August");
        var records = new WorkbookImporter().Read(august).Records;

        using var session = new PowerShellSession();
        var variables = new Dictionary<string, object?> { ["file"] = august, ["cs"] = connectionString, ["records"] = records.ToArray() };
        string byPath = Report(session.Invoke("Get-TrustMapping -LiteralPath $file -ConnectionString $cs", variables));
        string byRecords = Report(session.Invoke("$records | Get-TrustMapping -ConnectionString $cs", variables));
        string byFileInfo = Report(session.Invoke("[System.IO.FileInfo]::new($file) | Get-TrustMapping -ConnectionString $cs", variables));

        Assert.Equal(byPath, byRecords);
        Assert.Equal(byPath, byFileInfo);
        Assert.Contains("TAD|Matched|2024-08", byPath);

        static string Report(IEnumerable<PSObject> output) =>
            string.Join('\n', output.Select(o => (TrustMappingEntry)o.BaseObject).Select(e => $"{e.TrustCode}|{e.Status}|{e.Periods}|{e.WorkbookName}|{e.DatabaseName}"));
    }

    [Fact]
    public void An_unreachable_database_is_a_terminating_error_that_never_shows_the_password()
    {
        using var session = new PowerShellSession();
        const string secret = "Sup3rS3cret-pw";
        ScriptResult result = session.Run(
            "$records | Get-TrustMapping -ConnectionString $cs -ErrorVariable problems -ErrorAction SilentlyContinue; $problems",
            new Dictionary<string, object?>
            {
                ["cs"] = $"Host=127.0.0.1;Port=1;Database=nothing;Username=someone;Password={secret};Timeout=2",
                ["records"] = Array.Empty<CommunityRecord>(),
            });

        var errors = result.Errors.Concat(result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>()).ToList();
        ErrorRecord error = Assert.Single(errors.DistinctBy(e => e.FullyQualifiedErrorId));
        Assert.StartsWith("GetTrustMappingTrustsUnreadable,", error.FullyQualifiedErrorId);
        Assert.Contains("someone@127.0.0.1:1/nothing", error.Exception.Message);
        Assert.All(errors, e => Assert.DoesNotContain(secret, e.ToString() + e.Exception, StringComparison.Ordinal));
        Assert.All(result.Verbose, v => Assert.DoesNotContain(secret, v, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_files_are_per_item_errors_and_help_documents_every_parameter()
    {
        using var session = new PowerShellSession();
        ScriptResult result = session.Run(
            "Get-TrustMapping -LiteralPath ./no-such-file.xlsx -ConnectionString 'Host=127.0.0.1;Port=1;Timeout=1' -ErrorAction SilentlyContinue -ErrorVariable problems; $problems");
        Assert.Contains(
            result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>().Concat(result.Errors),
            e => e.FullyQualifiedErrorId.StartsWith("GetTrustMappingPathNotFound,", StringComparison.Ordinal));

        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XElement help = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "NhsCommunity", "Help", "Get-TrustMapping.xml")).Root!;
        var documented = help.Element(command + "parameters")!.Elements(command + "parameter")
            .Where(p => !string.IsNullOrWhiteSpace(p.Element(maml + "description")?.Value))
            .Select(p => p.Element(maml + "name")!.Value).Order().ToArray();
        var declared = session.Invoke("""
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            (Get-Command Get-TrustMapping).Parameters.Keys | Where-Object { $_ -notin $common }
            """).Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(declared, documented);
        Assert.Equal(["NhsCommunity.Mapping.TrustMappingEntry"], session.Invoke("(Get-Command Get-TrustMapping).OutputType.Name").Select(o => o.ToString()));
    }
}
