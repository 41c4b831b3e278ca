using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>
/// One organisation's waiting list for one service in one month, as published: the public contract
/// that Import-CommunityWorkbook emits and the other cmdlets consume. A band is null where its cell is
/// blank (nobody submitted); zero is a real zero.
/// </summary>
public sealed class CommunityRecord
{
    /// <summary>First day of the month the data is for, read from the sheets' titles.</summary>
    public Month Period { get; init; }

    public OrganisationType OrganisationType { get; init; }

    /// <summary>Blank for the National row.</summary>
    public string OrganisationCode { get; init; } = "";

    public string OrganisationName { get; init; } = "";

    public ServiceCategory Category { get; init; }

    /// <summary>The header text as published, e.g. "(A) Audiology".</summary>
    public string Service { get; init; } = "";

    /// <summary>The key under adult_services or cyp_services in community_data.</summary>
    public string ServiceKey { get; init; } = "";

    public int? TotalWaiting { get; init; }

    public int? Wait0To1Weeks { get; init; }

    public int? Wait1To2Weeks { get; init; }

    public int? Wait2To4Weeks { get; init; }

    public int? Wait4To12Weeks { get; init; }

    public int? Wait12To18Weeks { get; init; }

    public int? Wait18To52Weeks { get; init; }

    /// <summary>Over 52 weeks: Table 4g, or 4g + 4h where the month splits the band.</summary>
    public int? Wait52PlusWeeks { get; init; }

    /// <summary>Null where the month has no split (up to November 2024).</summary>
    public int? Wait52To104Weeks { get; init; }

    /// <summary>Null where the month has no split (up to November 2024).</summary>
    public int? Wait104PlusWeeks { get; init; }

    /// <summary>Whether the workbook publishes the 52+ band split into 52-104 and 104+.</summary>
    public bool HasSplit52Weeks { get; init; }

    /// <summary>The Cover page's publication date, or its revision date where revised.</summary>
    public DateTime? LastUpdated { get; init; }

    public string SourceFile { get; init; } = "";

    /// <summary>The count a band holds, by band, so code can walk bands without a switch of its own.</summary>
    public int? this[WaitBand band] => band switch
    {
        WaitBand.Total => TotalWaiting,
        WaitBand.Wait0To1Weeks => Wait0To1Weeks,
        WaitBand.Wait1To2Weeks => Wait1To2Weeks,
        WaitBand.Wait2To4Weeks => Wait2To4Weeks,
        WaitBand.Wait4To12Weeks => Wait4To12Weeks,
        WaitBand.Wait12To18Weeks => Wait12To18Weeks,
        WaitBand.Wait18To52Weeks => Wait18To52Weeks,
        WaitBand.Wait52PlusWeeks => Wait52PlusWeeks,
        WaitBand.Wait52To104Weeks => Wait52To104Weeks,
        WaitBand.Wait104PlusWeeks => Wait104PlusWeeks,
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
    };
}
