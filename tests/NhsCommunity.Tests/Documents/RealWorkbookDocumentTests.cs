using System.Globalization;
using System.Text.Json;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Mapping;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Documents;

/// <summary>The documents of the four real workbooks, checked number by number against the records and the National row.</summary>
[Trait("Category", "Pwsh")]
[Trait("Category", "RealData")]
public class RealWorkbookDocumentTests
{
    private static readonly string[] MonthNames = ["2024-25-August", "2024-25-December", "2024-25-January", "2025-26-July"];

    public static TheoryData<string> Months => new(MonthNames);

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Every_number_in_every_document_is_its_record_and_metadata_adds_up(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        WorkbookContent content = new WorkbookImporter().Read(RepositoryPaths.RealWorkbook(month));
        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(content.Records);
        Assert.Empty(batch.Problems);

        var nhsRecords = content.Records
            .Where(r => r.OrganisationType == OrganisationType.Provider && TrustCodes.IsNhsTrust(r.OrganisationCode))
            .GroupBy(r => r.OrganisationCode)
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(nhsRecords.Keys.Order(StringComparer.Ordinal), batch.Documents.Select(d => d.TrustCode));

        foreach (CommunityDocument document in batch.Documents)
        {
            using JsonDocument json = JsonDocument.Parse(document.Json);
            JsonElement root = json.RootElement;
            Assert.Equal(["adult_services", "cyp_services", "metadata"], root.EnumerateObject().Select(p => p.Name));
            var records = nhsRecords[document.TrustCode];

            // Services: exactly those with a record, and each band equal to its cell (blank absent, 0 present).
            var serviceCount = 0;
            foreach (string section in new[] { "adult_services", "cyp_services" })
            {
                foreach (JsonProperty service in root.GetProperty(section).EnumerateObject())
                {
                    serviceCount++;
                    CommunityRecord record = Assert.Single(records, r => (r.Category == ServiceCategory.CYP ? "cyp_services" : "adult_services") == section && r.ServiceKey == service.Name);
                    foreach (BandDefinition band in BandCatalogue.All)
                    {
                        bool splitKey = band.Band is WaitBand.Wait52To104Weeks or WaitBand.Wait104PlusWeeks;
                        int? expected = splitKey && !content.HasSplit52Weeks ? null : record[band.Band];
                        if (expected is int value)
                        {
                            Assert.Equal(value, service.Value.GetProperty(band.JsonKey).GetInt32());
                        }
                        else
                        {
                            Assert.False(service.Value.TryGetProperty(band.JsonKey, out _), $"{document.TrustCode} {section}.{service.Name}.{band.JsonKey} should be absent");
                        }
                    }
                }
            }

            Assert.Equal(records.Count, serviceCount);
            JsonElement metadata = root.GetProperty("metadata");
            Assert.Equal(records.Count, metadata.GetProperty("services_reported").GetInt32());
            Assert.Equal(records.Sum(r => (long)(r.TotalWaiting ?? 0)), metadata.GetProperty("total_waiting_all_services").GetInt64());
            Assert.Equal(records.Count(r => r.Wait52PlusWeeks > 0), metadata.GetProperty("services_with_52plus_breaches").GetInt32());
            Assert.Equal(content.LastUpdated!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), metadata.GetProperty("last_updated").GetString());
            Assert.Equal(Path.GetFileName(content.SourceFile), metadata.GetProperty("source_file").GetString());
            Assert.Equal(content.Period, document.Period);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void All_providers_documents_add_up_to_the_National_row_for_every_band(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        WorkbookContent content = new WorkbookImporter().Read(RepositoryPaths.RealWorkbook(month));
        var documents = CommunityDocumentBuilder.Build(content.Records, includeNonNhs: true).Documents;
        var parsed = documents.Select(d => JsonDocument.Parse(d.Json)).ToList();
        try
        {
            int checkedCells = 0;
            foreach (CommunityRecord national in content.Records.Where(r => r.OrganisationType == OrganisationType.National))
            {
                if (ServiceCatalogue.All.Any(s => s.NationalOnly && s.Key == national.ServiceKey && s.Category == national.Category))
                {
                    continue;
                }

                string section = national.Category == ServiceCategory.CYP ? "cyp_services" : "adult_services";
                foreach (BandDefinition band in BandCatalogue.All)
                {
                    if (national[band.Band] is not int expected)
                    {
                        continue;
                    }

                    long sum = parsed.Sum(d =>
                        d.RootElement.GetProperty(section).TryGetProperty(national.ServiceKey, out JsonElement s)
                        && s.TryGetProperty(band.JsonKey, out JsonElement v) ? v.GetInt64() : 0);
                    Assert.True(expected == sum, $"{month} {section}.{national.ServiceKey}.{band.JsonKey}: National {expected}, documents {sum}");
                    checkedCells++;
                }
            }

            Assert.True(checkedCells >= 44 * 8, $"only {checkedCells} National cells checked");
        }
        finally
        {
            parsed.ForEach(p => p.Dispose());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void Last_updated_is_the_cover_page_date_read_independently(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        string file = RepositoryPaths.RealWorkbook(month);
        string expected = CoverDate(file).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var documents = CommunityDocumentBuilder.Build(new WorkbookImporter().Read(file).Records).Documents;

        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.Contains($"\"last_updated\":\"{expected}\"", d.Json, StringComparison.Ordinal));
    }

    /// <summary>The Cover page's "Revised:" date where it has one, else its "Published:" date (dd/mm/yyyy), read with ExcelDataReader.</summary>
    private static DateTime CoverDate(string file)
    {
        // ExcelDataReader's configuration asks for code page 1252 even for .xlsx.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        using var stream = File.OpenRead(file);
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(stream);
        do
        {
            if (!reader.Name.Equals("Cover page", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            DateTime? published = null, revised = null;
            while (reader.Read())
            {
                string label = reader.GetValue(0)?.ToString()?.Trim() ?? "";
                object? value = reader.FieldCount > 1 ? reader.GetValue(1) : null;
                DateTime? date = value switch
                {
                    DateTime d => d,
                    string text when DateTime.TryParseExact(text.Trim(), "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime d) => d,
                    _ => null,
                };
                if (label.StartsWith("Published", StringComparison.OrdinalIgnoreCase))
                {
                    published = date;
                }
                else if (label.StartsWith("Revised", StringComparison.OrdinalIgnoreCase))
                {
                    revised = date;
                }
            }

            return revised ?? published ?? throw new InvalidOperationException("no Published date on the Cover page of " + file);
        }
        while (reader.NextResult());

        throw new InvalidOperationException("no Cover page in " + file);
    }

    [SkippableFact]
    public void TAD_gets_documents_and_non_NHS_providers_do_not_in_every_month()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        var records = MonthNames.SelectMany(m => new WorkbookImporter().Read(RepositoryPaths.RealWorkbook(m)).Records).ToList();
        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(records);

        var providerMonths = records.Where(r => r.OrganisationType == OrganisationType.Provider)
            .Select(r => (r.OrganisationCode, r.Period)).Distinct().ToList();
        var tadMonths = providerMonths.Where(p => p.OrganisationCode == "TAD").Select(p => p.Period).Order().ToList();
        Assert.NotEmpty(tadMonths);
        Assert.Equal(tadMonths, batch.Documents.Where(d => d.TrustCode == "TAD").Select(d => d.Period));
        Assert.Contains(providerMonths, p => p.OrganisationCode.StartsWith('N'));
        Assert.All(batch.Documents, d => Assert.True(TrustCodes.IsNhsTrust(d.TrustCode), d.TrustCode));
        Assert.Equal(providerMonths.Count(p => TrustCodes.IsNhsTrust(p.OrganisationCode)), batch.Documents.Count);
        Assert.Equal(4, batch.Documents.Select(d => d.Period).Distinct().Count());
        Assert.Empty(batch.SupersededEditions);

        // Byte-identical on a second build of the same records in reverse order.
        records.Reverse();
        Assert.Equal(batch.Documents.Select(d => d.Json), CommunityDocumentBuilder.Build(records).Documents.Select(d => d.Json));
    }
}

/// <summary>Import-CommunityWorkbook | ConvertTo-CommunityJsonb in the engine, on the real workbooks.</summary>
public class RealWorkbookPipelineTests
{
    [SkippableFact]
    public void Import_piped_to_ConvertTo_gives_the_cores_documents_byte_for_byte()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        var records = Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx")
            .SelectMany(f => new WorkbookImporter().Read(f).Records).ToList();
        var expected = CommunityDocumentBuilder.Build(records).Documents;

        using var session = new PowerShellSession();
        ScriptResult result = session.Run(
            "Import-CommunityWorkbook -Path \"$folder/*.xlsx\" -OrganisationType All | ConvertTo-CommunityJsonb -Verbose",
            new Dictionary<string, object?> { ["folder"] = RepositoryPaths.RealWorkbookDirectory });

        Assert.Equal([], result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e));
        var documents = result.Output.Select(o => Assert.IsType<CommunityDocument>(o.BaseObject)).ToList();
        Assert.Equal(expected.Select(d => $"{d.Period:yyyy-MM} {d.TrustCode}"), documents.Select(d => $"{d.Period:yyyy-MM} {d.TrustCode}"));
        Assert.Equal(expected.Select(d => d.Json), documents.Select(d => d.Json));
        Assert.Equal(expected.Select(d => d.TotalWaitingAllServices), documents.Select(d => d.TotalWaitingAllServices));
        Assert.Contains(documents, d => d.TrustCode == "TAD");
        Assert.DoesNotContain(documents, d => !TrustCodes.IsNhsTrust(d.TrustCode));
        Assert.Equal(4, documents.Select(d => d.Period).Distinct().Count());
        Assert.Single(result.Verbose, v => v.Contains("not at provider level", StringComparison.Ordinal));
        Assert.Single(result.Verbose, v => v.Contains("not NHS trusts", StringComparison.Ordinal));
    }
}
