namespace NhsCommunity.Workbooks.Checks;

/// <summary>The checks Test-CommunityWorkbook runs; a finding's <c>Check</c> says which one raised it.</summary>
public enum WorkbookCheck
{
    /// <summary>For every service (except the national-only ones) and every band, the Provider rows add up to the National row.</summary>
    Reconciliation,

    /// <summary>A provider service's bands add up to its total waiting list (the source's own data quality: reported, never corrected).</summary>
    BandSum,

    /// <summary>The month the file name claims is the month the workbook's titles say.</summary>
    FileName,

    /// <summary>A service header the catalogue does not know.</summary>
    UnknownHeader,

    /// <summary>A sheet the publication always has is absent.</summary>
    MissingSheet,

    /// <summary>A sheet the publication does not have is present.</summary>
    UnexpectedSheet,
}
