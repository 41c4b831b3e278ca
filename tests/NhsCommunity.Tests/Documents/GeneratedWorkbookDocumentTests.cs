using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Fixtures;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Documents;

/// <summary>
/// ConvertTo-CommunityJsonb on generated workbooks (no shared data needed): a revised edition beside the
/// original, injected band-sum mismatches and a blank band inside a reported service.
/// </summary>
[Trait("Category", "Pwsh")]
public sealed class GeneratedWorkbookDocumentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nhscommunity-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_revised_edition_wins_whole_and_mismatches_and_blank_bands_are_reported_not_invented()
    {
        var month = new DateTime(2024, 12, 1);
        var original = new WorkbookSpec(month) { Seed = 1 };
        SyntheticWorkbook probe = CommunityWorkbookWriter.Write(Path.Combine(_folder, "original.xlsx"), original);

        // A blank 0-1 weeks cell in a service the first NHS trust otherwise reports.
        OrganisationRow trust = probe.Organisations.First(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code));
        int organisation = probe.IndexOfOrganisation(trust.Code);
        int service = Enumerable.Range(0, probe.Services.Count)
            .First(s => probe.Value(WaitBand.Total, organisation, s) is not null && probe.Value(WaitBand.Wait0To1Weeks, organisation, s) is not null);
        ServiceDefinition blanked = probe.Services[service];
        var revisedSpec = new WorkbookSpec(month)
        {
            Seed = 2,
            Revised = original.Published.AddDays(30),
            BandSumMismatches = 3,
            CellOverrides = [new CellOverride(PublishedLayout.SheetName(WaitBand.Wait0To1Weeks, split52: true), trust.Code, probe.ServiceHeaders[service], null)],
        };
        SyntheticWorkbook revised = CommunityWorkbookWriter.Write(Path.Combine(_folder, "revised.xlsx"), revisedSpec);

        using var session = new PowerShellSession();
        ScriptResult result = session.Run("Import-CommunityWorkbook -Path \"$dir/*.xlsx\" | ConvertTo-CommunityJsonb",
            new Dictionary<string, object?> { ["dir"] = _folder });

        Assert.Equal([], result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e));
        Assert.Contains(result.Warnings, w => w.Contains("'revised.xlsx'", StringComparison.Ordinal) && w.Contains("supersedes 'original.xlsx'", StringComparison.Ordinal));
        var documents = result.Output.Select(o => (CommunityDocument)o.BaseObject).ToList();
        Assert.Equal(
            revised.Organisations.Where(o => o.Type == OrganisationType.Provider && TrustCodes.IsNhsTrust(o.Code))
                .Where(o => Reports(revised, revised.IndexOfOrganisation(o.Code))).Select(o => o.Code).Order(StringComparer.Ordinal),
            documents.Select(d => d.TrustCode));

        string blankPath = $"{Section(blanked)}.{blanked.Key}.wait_0_1_weeks";
        int compared = 0;
        foreach (CommunityDocument document in documents)
        {
            Assert.Equal("revised.xlsx", document.SourceFile);
            Assert.Equal(revisedSpec.Revised, document.LastUpdated);
            using JsonDocument json = JsonDocument.Parse(document.Json);
            int o = revised.IndexOfOrganisation(document.TrustCode);
            for (int s = 0; s < revised.Services.Count; s++)
            {
                ServiceDefinition definition = revised.Services[s];
                bool present = json.RootElement.GetProperty(Section(definition)).TryGetProperty(definition.Key, out JsonElement figures);
                foreach (WaitBand band in BandCatalogue.SplitSheets.Append(WaitBand.Wait52PlusWeeks))
                {
                    string path = $"{Section(definition)}.{definition.Key}.{BandCatalogue.JsonKey(band)}";
                    int? cell = path == blankPath && document.TrustCode == trust.Code ? null : revised.Value(band, o, s);
                    if (cell is int expected)
                    {
                        Assert.True(present, path);
                        Assert.Equal(expected, figures.GetProperty(BandCatalogue.JsonKey(band)).GetInt32());
                        compared++;
                    }
                    else
                    {
                        Assert.False(present && figures.TryGetProperty(BandCatalogue.JsonKey(band), out _), $"{document.TrustCode} {path} should be absent");
                    }
                }
            }
        }

        Assert.True(compared > 1000, $"only {compared} numbers compared");

        // The blank band: left out, listed, and the service still reported.
        CommunityDocument blankedDocument = documents.Single(d => d.TrustCode == trust.Code);
        Assert.Equal([blankPath], blankedDocument.BlankBands);
        Assert.Contains($"\"blank_bands\":[\"{blankPath}\"]", blankedDocument.Json, StringComparison.Ordinal);
        Assert.All(documents.Where(d => d.TrustCode != trust.Code), d => Assert.Empty(d.BlankBands));

        // The injected mismatches of NHS trusts are exactly the ones reported.
        var injected = revised.BandSumMismatches.Where(m => TrustCodes.IsNhsTrust(m.OrganisationCode))
            .Select(m => $"{m.OrganisationCode} {Section(m.Service)}.{m.Service.Key}").Order(StringComparer.Ordinal);
        var reported = documents.SelectMany(d => d.BandSumMismatches.Select(p => $"{d.TrustCode} {p}")).Order(StringComparer.Ordinal);
        Assert.Equal(injected, reported);
    }

    /// <summary>A provider row with no value at all reports nothing, so gets no document.</summary>
    private static bool Reports(SyntheticWorkbook workbook, int organisation) =>
        Enumerable.Range(0, workbook.Services.Count).Any(s => workbook.Bands.Any(b => workbook.Value(b, organisation, s) is not null));

    private static string Section(ServiceDefinition service) => service.Category == ServiceCategory.CYP ? "cyp_services" : "adult_services";
}
