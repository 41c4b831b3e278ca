using NhsCommunity.Mapping;

namespace NhsCommunity.Tests.Mapping;

[Trait("Category", "Unit")]
public class TrustCodesTests
{
    [Theory]
    [InlineData("RGT")]
    [InlineData("R0A")]
    [InlineData("RYJ")]
    [InlineData("R1F")]
    [InlineData("TAD")]
    [InlineData("TAH")]
    [InlineData("TAJ")]
    [InlineData(" tad ")]
    public void NHS_trusts_are_R_codes_and_the_former_care_trusts_T_codes(string code) =>
        Assert.True(TrustCodes.IsNhsTrust(code));

    [Theory]
    [InlineData("NQV")] // community interest company
    [InlineData("AXG")] // independent provider
    [InlineData("NL3")]
    [InlineData("Y56")] // region
    [InlineData("QE1")] // ICB
    [InlineData("QOP")]
    [InlineData("T12")] // T codes are letters only
    [InlineData("RG")]
    [InlineData("RGT01")] // a site, not a trust
    [InlineData("")]
    [InlineData(null)]
    [InlineData("R-T")]
    public void Other_codes_are_not_NHS_trusts(string? code) =>
        Assert.False(TrustCodes.IsNhsTrust(code));

    [Fact]
    public void Normalise_trims_and_upper_cases() => Assert.Equal("TAD", TrustCodes.Normalise(" tad\t"));
}
