namespace NhsCommunity.Documents;

/// <summary>What one build produced: the documents, sorted by period then trust code, and what was left out.</summary>
public sealed class CommunityDocumentBatch
{
    public required IReadOnlyList<CommunityDocument> Documents { get; init; }

    /// <summary>Months or trusts that got no document because their input contradicts itself.</summary>
    public required IReadOnlyList<DocumentProblem> Problems { get; init; }

    /// <summary>Earlier editions of a month that a later one replaced, one line each.</summary>
    public required IReadOnlyList<string> SupersededEditions { get; init; }
}
