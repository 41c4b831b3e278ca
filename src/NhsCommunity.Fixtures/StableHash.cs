namespace NhsCommunity.Fixtures;

/// <summary>
/// FNV-1a over UTF-16 code units: a hash that is the same in every process (string.GetHashCode is
/// randomised per process), so generated data depends on the seed alone.
/// </summary>
internal static class StableHash
{
    public static int Of(params object[] parts)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (object part in parts)
            {
                foreach (char c in Convert.ToString(part, System.Globalization.CultureInfo.InvariantCulture) ?? "")
                {
                    hash = (hash ^ c) * 16777619;
                }

                hash = (hash ^ '|') * 16777619;
            }

            return (int)(hash & 0x7FFFFFFF);
        }
    }

    /// <summary>A fraction in [0, 1) derived from the parts.</summary>
    public static double Fraction(params object[] parts) => Of(parts) % 1_000_003 / 1_000_003.0;
}
