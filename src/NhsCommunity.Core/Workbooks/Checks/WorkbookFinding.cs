using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks.Checks;

/// <summary>One thing a check found in one workbook. Expected and Actual are invariant text (counts, months, sheet names).</summary>
public sealed record WorkbookFinding
{
    public required string File { get; init; }

    /// <summary>First day of the month the workbook is for.</summary>
    public Month Period { get; init; }

    public required WorkbookCheck Check { get; init; }

    public required FindingSeverity Severity { get; init; }

    /// <summary>The organisation the finding is about ("" for National), or null where it is about the whole file.</summary>
    public string? OrganisationCode { get; init; }

    public string? OrganisationName { get; init; }

    /// <summary>The service header as published, where the finding is about one service.</summary>
    public string? Service { get; init; }

    public string? ServiceKey { get; init; }

    /// <summary>The band (table) the finding is about, where it is about one.</summary>
    public WaitBand? Band { get; init; }

    /// <summary>The sheet the finding points at, where there is one.</summary>
    public string? Sheet { get; init; }

    public string? Expected { get; init; }

    public string? Actual { get; init; }

    /// <summary>A sentence saying what was found and where.</summary>
    public required string Detail { get; init; }
}
