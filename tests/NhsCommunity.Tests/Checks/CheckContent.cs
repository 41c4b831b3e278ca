using NhsCommunity.Catalogue;
using NhsCommunity.Fixtures;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Checks;

/// <summary>Builds the WorkbookContent a reader would give for a generated workbook, without any file: checks are tested on their own.</summary>
internal static class CheckContent
{
    public static WorkbookContent From(SyntheticWorkbook workbook, string? file = null, IReadOnlyList<CommunityRecord>? records = null) => new()
    {
        SourceFile = file ?? Path.Combine(Path.GetTempPath(), workbook.FileName),
        Period = workbook.Period,
        HasSplit52Weeks = workbook.Split52,
        LastUpdated = workbook.Spec.Published,
        BandSheets = workbook.Bands.ToDictionary(b => b, b => PublishedLayout.SheetName(b, workbook.Split52)),
        SheetNames = workbook.Sheets.Select(s => s.Name).ToArray(),
        UnknownHeaders = workbook.Spec.UnknownServiceHeader is { } unknown ? [unknown] : [],
        Records = records ?? workbook.ExpectedRecords(file ?? workbook.FileName),
    };

    /// <summary>A copy of a record with one band changed.</summary>
    public static CommunityRecord With(CommunityRecord r, WaitBand band, int? value) => new()
    {
        Period = r.Period,
        OrganisationType = r.OrganisationType,
        OrganisationCode = r.OrganisationCode,
        OrganisationName = r.OrganisationName,
        Category = r.Category,
        Service = r.Service,
        ServiceKey = r.ServiceKey,
        TotalWaiting = band == WaitBand.Total ? value : r.TotalWaiting,
        Wait0To1Weeks = band == WaitBand.Wait0To1Weeks ? value : r.Wait0To1Weeks,
        Wait1To2Weeks = band == WaitBand.Wait1To2Weeks ? value : r.Wait1To2Weeks,
        Wait2To4Weeks = band == WaitBand.Wait2To4Weeks ? value : r.Wait2To4Weeks,
        Wait4To12Weeks = band == WaitBand.Wait4To12Weeks ? value : r.Wait4To12Weeks,
        Wait12To18Weeks = band == WaitBand.Wait12To18Weeks ? value : r.Wait12To18Weeks,
        Wait18To52Weeks = band == WaitBand.Wait18To52Weeks ? value : r.Wait18To52Weeks,
        Wait52PlusWeeks = band == WaitBand.Wait52PlusWeeks ? value : r.Wait52PlusWeeks,
        Wait52To104Weeks = band == WaitBand.Wait52To104Weeks ? value : r.Wait52To104Weeks,
        Wait104PlusWeeks = band == WaitBand.Wait104PlusWeeks ? value : r.Wait104PlusWeeks,
        HasSplit52Weeks = r.HasSplit52Weeks,
        LastUpdated = r.LastUpdated,
        SourceFile = r.SourceFile,
    };
}
