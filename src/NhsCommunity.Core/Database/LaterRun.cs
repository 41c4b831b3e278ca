namespace NhsCommunity.Database;

/// <summary>A run that changed rows after the run being restored did: restoring the earlier run would throw its values away.</summary>
/// <param name="Rows">The rows both runs changed, as "trust yyyy-MM" (data type and column when not the usual ones).</param>
public sealed record LaterRun(Guid RunId, DateTime SavedAt, IReadOnlyList<string> Rows);
