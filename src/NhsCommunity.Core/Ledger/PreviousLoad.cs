namespace NhsCommunity.Ledger;

/// <summary>The earlier successful load of a file's bytes, which makes the file AlreadyLoaded.</summary>
public sealed record PreviousLoad(string FileName, DateTime? Period, DateTime? Published, Guid RunId, DateTimeOffset LoadedAt);
