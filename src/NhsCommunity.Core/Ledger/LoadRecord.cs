namespace NhsCommunity.Ledger;

/// <summary>One row of the load ledger (community_loads): one workbook in one run.</summary>
public sealed class LoadRecord
{
    public required long LoadId { get; init; }

    public required Guid RunId { get; init; }

    /// <summary>When the row was written (for a loaded month: the moment its new versions start).</summary>
    public required DateTimeOffset LoadedAt { get; init; }

    /// <summary>user@host of the run.</summary>
    public required string LoadedBy { get; init; }

    public required string FileName { get; init; }

    /// <summary>SHA-256 of the file's bytes in upper-case hex, as Get-FileHash shows it.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The month the workbook holds (none for a file that could not be read).</summary>
    public Month? Period { get; init; }

    /// <summary>The publication, or revision, date on the workbook's Cover page: which edition it is.</summary>
    public DateTime? Published { get; init; }

    public required LoadOutcome Outcome { get; init; }

    public string? Reason { get; init; }

    public int TrustsUpdated { get; init; }

    public int TrustsUnchanged { get; init; }

    public int TrustsRejected { get; init; }
}
