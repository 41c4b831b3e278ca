namespace NhsCommunity.Ledger;

/// <summary>
/// One version of a trust-month's document in community_data_history: valid from <see cref="ValidFrom"/> until
/// <see cref="ValidTo"/> (null while it is the current one), the run and the workbook edition it came from, and
/// per service and band what it changed from the version before it.
/// </summary>
public sealed class HistoryVersion
{
    public required string TrustCode { get; init; }

    public required Month Period { get; init; }

    /// <summary>Before (the value that stood before the module first wrote it), Write (a backfill) or Restore.</summary>
    public required string Kind { get; init; }

    /// <summary>Null for the Before version: it stood from before the history began.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>Null while this is the current version.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>False when trust_metrics had no row for the trust-month in this version.</summary>
    public required bool HadRow { get; init; }

    public Guid? RunId { get; init; }

    /// <summary>The workbook the document came from.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The workbook's publication or revision date: the edition.</summary>
    public DateTime? Published { get; init; }

    /// <summary>The document as stored in this version (JSON text; null for none).</summary>
    public string? Document { get; init; }

    /// <summary>Every band of every service whose value differs from the version before (none for the first version).</summary>
    public IReadOnlyList<BandChange> Changes { get; init; } = [];
}
