namespace NhsCommunity.Database;

/// <summary>What a backfill did with one document.</summary>
public enum TrustMetricsWriteStatus
{
    /// <summary>The stored document differed (or was empty) and was replaced; the previous value stays in the history.</summary>
    Updated,

    /// <summary>The stored document is already this one: nothing was written.</summary>
    Unchanged,

    /// <summary>trust_metrics has no row for this trust, period and data type; nothing was written.</summary>
    NotInDatabase,

    /// <summary>A row was created for it (only with -AddMissingRows).</summary>
    Inserted,

    /// <summary>Its month could not be written; nothing of that month changed.</summary>
    Failed,

    /// <summary>
    /// Holds a value trust_metrics cannot store (a NUL character, a name longer than the column, a code that
    /// is not upper-case, a document that is not a JSON object): nothing was written for it, and the rest of
    /// its month was. The reason says which value and what to do.
    /// </summary>
    Rejected,
}
