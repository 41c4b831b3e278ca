namespace NhsCommunity.Mapping;

/// <summary>
/// Which organisation codes are NHS trusts: the rule that decides what the backfill writes.
/// </summary>
/// <remarks>
/// An NHS trust code (ODS) is exactly three characters, after trimming and upper-casing, and either
/// <list type="bullet">
/// <item>'R' followed by two letters or digits (RGT, R0A, RYJ), or</item>
/// <item>'T' followed by two letters (TAD, TAH, TAJ): the former care trusts, now NHS foundation
/// trusts that kept their T codes. The plan's "R-codes only" rule would wrongly drop them.</item>
/// </list>
/// Everything else is not a trust: community interest companies and independent providers
/// (N.., A.., e.g. NQV, AXG), ICBs (Q..), regions (Y..), and any code of another length
/// (five-character site codes, the blank National code).
/// </remarks>
public static class TrustCodes
{
    public static bool IsNhsTrust(string? code)
    {
        if (code is null)
        {
            return false;
        }

        ReadOnlySpan<char> c = code.AsSpan().Trim();
        if (c.Length != 3)
        {
            return false;
        }

        char first = char.ToUpperInvariant(c[0]);
        return first switch
        {
            'R' => char.IsAsciiLetterOrDigit(c[1]) && char.IsAsciiLetterOrDigit(c[2]),
            'T' => char.IsAsciiLetter(c[1]) && char.IsAsciiLetter(c[2]),
            _ => false,
        };
    }

    /// <summary>The form codes are compared in: trimmed, upper case (ODS codes are published in upper case).</summary>
    public static string Normalise(string? code) => (code ?? "").Trim().ToUpperInvariant();
}
