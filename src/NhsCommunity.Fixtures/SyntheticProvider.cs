namespace NhsCommunity.Fixtures;

/// <summary>
/// One synthetic provider. NHS trusts carry three-character R codes (and a few former care trusts T codes);
/// community interest companies and independent providers carry N or A codes.
/// </summary>
/// <param name="FirstPeriod">The first month it submits, or null if it always has.</param>
/// <param name="LastPeriod">The last month it submits, or null if it still does.</param>
public sealed record SyntheticProvider(
    string Code,
    string Name,
    string IcbCode,
    string IcbName,
    string RegionCode,
    bool IsNhsTrust,
    DateTime? FirstPeriod = null,
    DateTime? LastPeriod = null)
{
    /// <summary>Whether the provider submits for the month.</summary>
    public bool IsActiveIn(DateTime period) =>
        (FirstPeriod is null || period >= FirstPeriod) && (LastPeriod is null || period <= LastPeriod);
}
