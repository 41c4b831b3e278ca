using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>Everything one workbook says: its records and what the checks need to know about its layout.</summary>
public sealed class WorkbookContent
{
    public required string SourceFile { get; init; }

    /// <summary>First day of the month the data is for, from the Table 4 titles.</summary>
    public required DateTime Period { get; init; }

    /// <summary>Cover page publication date, or the revision date where revised.</summary>
    public DateTime? LastUpdated { get; init; }

    /// <summary>Whether the 52+ band is published split (4g = 52-104, 4h = 104+).</summary>
    public bool HasSplit52Weeks { get; init; }

    /// <summary>Which sheet holds which band, as recognised from the title rows.</summary>
    public required IReadOnlyDictionary<WaitBand, string> BandSheets { get; init; }

    /// <summary>Every sheet name in workbook order.</summary>
    public required IReadOnlyList<string> SheetNames { get; init; }

    /// <summary>Service headers the catalogue does not know; kept with a derived key.</summary>
    public IReadOnlyList<string> UnknownHeaders { get; init; } = [];

    /// <summary>The same headers with where each was first seen and the key it was given, for warnings.</summary>
    public IReadOnlyList<UnknownServiceHeader> UnknownServiceHeaders { get; init; } = [];

    /// <summary>All organisations (every level) and services with at least one reported value.</summary>
    public required IReadOnlyList<CommunityRecord> Records { get; init; }
}
