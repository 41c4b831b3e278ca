using NhsCommunity.Catalogue;

namespace NhsCommunity.Fixtures;

/// <summary>A provider service whose bands were made not to add up to its Table 4 total.</summary>
/// <param name="Total">The Table 4 value.</param>
/// <param name="BandSum">What the band sheets add up to.</param>
public sealed record InjectedBandSumMismatch(string OrganisationCode, ServiceDefinition Service, WaitBand AlteredBand, int Total, int BandSum);
