namespace NhsCommunity.Documents;

/// <summary>Why a month or a trust's month got no document. Stable names: the cmdlet builds error ids from them.</summary>
public enum DocumentProblemKind
{
    /// <summary>Two different workbooks claim the same month with the same publication date.</summary>
    ConflictingEditions,

    /// <summary>One workbook gives one trust two different figures for the same service.</summary>
    ConflictingRecords,
}

/// <summary>A month (or one trust's month) that was left out, and why, so the caller can raise an error.</summary>
public sealed record DocumentProblem(DocumentProblemKind Kind, DateTime Period, string? TrustCode, string Message);
