namespace NhsCommunity.Queries;

/// <summary>What Get-CommunityWaitingList -GroupBy sums over; combine several for e.g. ICB by month.</summary>
public enum WaitingListGrouping
{
    Icb,
    Trust,
    Period,
    Category,
    Service,
}
