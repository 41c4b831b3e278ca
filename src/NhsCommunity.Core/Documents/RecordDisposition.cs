namespace NhsCommunity.Documents;

/// <summary>What the builder did with one record it was given.</summary>
public enum RecordDisposition
{
    /// <summary>Kept: a provider the documents are for.</summary>
    Accepted,

    /// <summary>National, Region or ICB: documents are per provider only.</summary>
    NotProvider,

    /// <summary>A provider whose code is not an NHS trust's, left out unless non-NHS providers are included.</summary>
    NotNhsTrust,
}
