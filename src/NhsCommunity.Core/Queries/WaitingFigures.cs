namespace NhsCommunity.Queries;

/// <summary>The wait figures of community_data, one property per band key (null where the key is absent).</summary>
public abstract class WaitingFigures
{
    public long? TotalWaiting { get; internal set; }

    public long? Wait0To1Weeks { get; internal set; }

    public long? Wait1To2Weeks { get; internal set; }

    public long? Wait2To4Weeks { get; internal set; }

    public long? Wait4To12Weeks { get; internal set; }

    public long? Wait12To18Weeks { get; internal set; }

    public long? Wait18To52Weeks { get; internal set; }

    public long? Wait52PlusWeeks { get; internal set; }

    /// <summary>From December 2024 only.</summary>
    public long? Wait52To104Weeks { get; internal set; }

    /// <summary>From December 2024 only.</summary>
    public long? Wait104PlusWeeks { get; internal set; }

    /// <summary>Sets the figures in <see cref="Catalogue.BandCatalogue.All"/> order.</summary>
    internal void SetBands(IReadOnlyList<long?> values)
    {
        TotalWaiting = values[0];
        Wait0To1Weeks = values[1];
        Wait1To2Weeks = values[2];
        Wait2To4Weeks = values[3];
        Wait4To12Weeks = values[4];
        Wait12To18Weeks = values[5];
        Wait18To52Weeks = values[6];
        Wait52PlusWeeks = values[7];
        Wait52To104Weeks = values[8];
        Wait104PlusWeeks = values[9];
    }
}
