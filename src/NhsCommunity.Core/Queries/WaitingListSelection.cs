namespace NhsCommunity.Queries;

/// <summary>
/// What one object piped into Get-CommunityWaitingList names: a trust, a month, an ICB and a service, any of
/// them null for "any". A query with several selections returns the rows that match at least one of
/// them whole, so a trust and a month piped together select that trust in that month, not every month
/// of every trust piped.
/// </summary>
public sealed record WaitingListSelection(string? TrustCode, DateTime? Period, string? IcbCode, string? ServiceKey);
