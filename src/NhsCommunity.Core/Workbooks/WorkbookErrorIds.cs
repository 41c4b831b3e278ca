namespace NhsCommunity.Workbooks;

/// <summary>
/// The stable ids of <see cref="WorkbookFormatException"/>: public API, because the cmdlets raise them as
/// ErrorRecord ids and scripts match on FullyQualifiedErrorId.
/// </summary>
public static class WorkbookErrorIds
{
    /// <summary>The file is neither an .xlsx (zip) nor an .xls (compound file): text, an image, random bytes.</summary>
    public const string NotAWorkbook = "WorkbookNotAWorkbook";

    /// <summary>The file looks like a workbook but cannot be unpacked: truncated download, damaged zip or XML.</summary>
    public const string Corrupt = "WorkbookCorrupt";

    /// <summary>The workbook is encrypted with a password.</summary>
    public const string PasswordProtected = "WorkbookPasswordProtected";

    /// <summary>The file cannot be opened (locked by another program, no permission).</summary>
    public const string Unreadable = "WorkbookUnreadable";

    /// <summary>A workbook, but of another publication: no sheet has a CHS Table 4 title.</summary>
    public const string NotCommunityHealthServices = "WorkbookNotCommunityHealthServices";

    /// <summary>One or more of the band sheets (Table 4 to 4g/4h) is missing.</summary>
    public const string BandSheetMissing = "WorkbookBandSheetMissing";

    /// <summary>Two sheets claim the same band, or the 52+ band appears both whole and split.</summary>
    public const string BandSheetDuplicate = "WorkbookBandSheetDuplicate";

    /// <summary>A band sheet's title does not end with a month and year.</summary>
    public const string PeriodMissing = "WorkbookPeriodMissing";

    /// <summary>The band sheets' titles name different months.</summary>
    public const string PeriodMismatch = "WorkbookPeriodMismatch";

    /// <summary>A band sheet has no "Organisation Type | Organisation Code | Organisation Name" header row.</summary>
    public const string HeaderRowNotFound = "WorkbookHeaderRowNotFound";

    /// <summary>Two columns of one sheet name the same service.</summary>
    public const string DuplicateService = "WorkbookDuplicateService";

    /// <summary>A data row's Organisation Type is not National, Region, ICB or Provider.</summary>
    public const string OrganisationTypeUnknown = "WorkbookOrganisationTypeUnknown";

    /// <summary>Two rows of one sheet are for the same organisation.</summary>
    public const string DuplicateOrganisation = "WorkbookDuplicateOrganisation";

    /// <summary>The band sheets do not all list the same organisations: a row is missing from one of them.</summary>
    public const string OrganisationsDiffer = "WorkbookOrganisationsDiffer";

    /// <summary>A count cell holds text, or a number that is not a whole number.</summary>
    public const string CountNotNumeric = "WorkbookCountNotNumeric";

    /// <summary>A count cell holds a negative number.</summary>
    public const string CountNegative = "WorkbookCountNegative";

    /// <summary>The file, or one of its parts once inflated, is larger or more compressed than a workbook can be (a zip bomb).</summary>
    public const string TooLarge = "WorkbookTooLarge";

    /// <summary>A count cell holds a date: typed as one, or a number shown with a date format.</summary>
    public const string CountIsDate = "WorkbookCountIsDate";

    /// <summary>A count cell holds a formula whose result was never saved.</summary>
    public const string CountFormulaWithoutValue = "WorkbookCountFormulaWithoutValue";

    /// <summary>A count cell holds an error value such as #N/A.</summary>
    public const string CountIsError = "WorkbookCountIsError";

    /// <summary>A data row has a value in a column whose header is blank, merged away or missing.</summary>
    public const string CountWithoutHeader = "WorkbookCountWithoutHeader";
}
