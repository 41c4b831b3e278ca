namespace NhsCommunity.Ledger;

/// <summary>What a run did with one workbook, as the load ledger records it.</summary>
public enum LoadOutcome
{
    /// <summary>Its month was written and changed at least one trust's document.</summary>
    Loaded,

    /// <summary>Its month was written and every document was already stored as it is.</summary>
    Unchanged,

    /// <summary>The same bytes (SHA-256) were loaded into this database before: skipped without being read.</summary>
    AlreadyLoaded,

    /// <summary>Another edition of its month, published later, was loaded instead.</summary>
    Superseded,

    /// <summary>It could not be read, or its month could not be written; the reason says why.</summary>
    Failed,
}
