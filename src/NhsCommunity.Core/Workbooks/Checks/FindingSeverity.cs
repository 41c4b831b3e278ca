namespace NhsCommunity.Workbooks.Checks;

/// <summary>How much a finding matters.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing is wrong with the numbers.</summary>
    Information,

    /// <summary>The workbook is usable but something is off (a renamed file, bands that do not add up in the source).</summary>
    Warning,

    /// <summary>The numbers cannot all be right (providers do not add up to National, a band sheet is missing).</summary>
    Error,
}
