namespace NhsCommunity.Catalogue;

/// <summary>What one Table 4 sheet counts. The sheet's title row decides which, never its name or position.</summary>
public enum WaitBand
{
    Total,
    Wait0To1Weeks,
    Wait1To2Weeks,
    Wait2To4Weeks,
    Wait4To12Weeks,
    Wait12To18Weeks,
    Wait18To52Weeks,

    /// <summary>Over 52 weeks, published as one sheet up to November 2024.</summary>
    Wait52PlusWeeks,

    /// <summary>Over 52 and up to 104 weeks: the first half of the split from December 2024.</summary>
    Wait52To104Weeks,

    /// <summary>Over 104 weeks: the second half of the split from December 2024.</summary>
    Wait104PlusWeeks,
}
