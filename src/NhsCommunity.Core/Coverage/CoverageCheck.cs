namespace NhsCommunity.Coverage;

/// <summary>
/// One check: its name (the findings' Check), default severity, what it looks for, and its SQL: a SELECT
/// over the shared relations of <see cref="CoverageSql"/> (scope, docs, services, facts, totals) that
/// returns check, severity, trust_code, period, service, detail.
/// </summary>
public sealed record CoverageCheck(string Name, FindingSeverity Severity, string Description, string Body)
{
    /// <summary>Contract checks: a document that passes them has exactly the shape community-jsonb.md describes.</summary>
    public bool IsContractCheck { get; init; }

    /// <summary>Needs the workbook cells (the source_cells relation), so runs only when workbooks are given.</summary>
    public bool NeedsSource { get; init; }

    /// <summary>A test of the mart (<see cref="Mart.MartChecks"/>): runs only when the mart is installed, over its relations.</summary>
    public bool ReadsMart { get; init; }
}
