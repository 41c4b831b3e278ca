using System.Text.RegularExpressions;
using CsCheck;
using NhsCommunity.Mapping;

namespace NhsCommunity.Tests.Properties;

/// <summary>
/// <see cref="TrustCodes"/> against the rule written out again here, independently: after trimming, three characters,
/// 'R' then two ASCII letters or digits, or 'T' then two ASCII letters (the former care trusts, TAD, TAH, TAJ), in
/// any case. A failure prints the seed; pass it as <c>seed:</c> to Sample to replay.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TrustCodeProperties
{
    // Characters near the rule's edges: both cases of R and T, other first letters, digits, a non-ASCII letter and digit,
    // punctuation and whitespace (inside a code and around it).
    private const string Alphabet = "RrTtNAQYZaz09_-. \tÉé٣";

    private static readonly Gen<string> Core = Gen.String[Gen.Char[Alphabet], 0, 5];

    private static readonly Gen<string> Codes = Gen.Frequency(
        (6, Core),
        (2, Gen.Select(Gen.OneOfConst("", " ", "\t", "\n "), Core, Gen.OneOfConst("", " ", "\r\n"), (a, b, c) => a + b + c)),
        (1, Gen.String));

    private static bool Oracle(string code) =>
        Regex.IsMatch(code.Trim(), @"\A(R[A-Za-z0-9]{2}|T[A-Za-z]{2})\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [Fact]
    public void Classifies_every_generated_code_as_the_rule_does() =>
        Codes.Sample(code => Assert.Equal(Oracle(code), TrustCodes.IsNhsTrust(code)), iter: 20_000);

    [Fact]
    public void Every_code_of_R_and_two_letters_or_digits_is_a_trust_in_any_case_and_padding()
    {
        var alphanumeric = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"];
        Gen.Select(Gen.OneOfConst("R", "r"), alphanumeric, alphanumeric, Gen.OneOfConst("", " ", "  "))
            .Sample((r, a, b, pad) => Assert.True(TrustCodes.IsNhsTrust(pad + r + a + b + pad), $"'{pad}{r}{a}{b}{pad}'"));
    }

    [Fact]
    public void The_three_former_care_trusts_are_trusts_and_no_T_code_with_a_digit_is()
    {
        Assert.All(["TAD", "TAH", "TAJ", "tad", " TAJ "], code => Assert.True(TrustCodes.IsNhsTrust(code), code));
        var digit = Gen.Char["0123456789"];
        var letter = Gen.Char['A', 'Z'];
        Gen.Select(Gen.Bool, letter, digit).Sample((digitFirst, l, d) =>
        {
            string code = digitFirst ? $"T{d}{l}" : $"T{l}{d}";
            Assert.False(TrustCodes.IsNhsTrust(code), code);
        });
    }

    [Fact]
    public void A_code_classifies_as_its_normal_form_and_normalising_twice_changes_nothing() =>
        Codes.Sample(code =>
        {
            string normal = TrustCodes.Normalise(code);
            Assert.Equal(TrustCodes.IsNhsTrust(code), TrustCodes.IsNhsTrust(normal));
            Assert.Equal(normal, TrustCodes.Normalise(normal));
        });
}
