using System.Text;

namespace NhsCommunity.Mapping;

/// <summary>
/// Compares trust names the way a person would: case, spacing, punctuation (apostrophes dropped), "&amp;" for "and" and the
/// "NHS FT" abbreviation do not make two names different. Used only to report differences; names are
/// never rewritten.
/// </summary>
public static class TrustNames
{
    /// <summary>Upper-case words of letters and digits, "&amp;" read as AND and "FT" as FOUNDATION TRUST.</summary>
    public static IReadOnlyList<string> Words(string? name)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (char c in (name ?? "").ToUpperInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            // "GUY'S" is "GUYS": an apostrophe joins, it does not split.
            if (c is '\'' or '\u2019')
            {
                continue;
            }

            Flush();
            if (c == '&')
            {
                words.Add("AND");
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (word.Length == 0)
            {
                return;
            }

            if (word.ToString() == "FT")
            {
                words.Add("FOUNDATION");
                words.Add("TRUST");
            }
            else
            {
                words.Add(word.ToString());
            }

            word.Clear();
        }
    }

    public static string Normalise(string? name) => string.Join(' ', Words(name));

    public static bool AreSame(string? a, string? b) => Normalise(a) == Normalise(b);

    /// <summary>
    /// A short account of how two names differ, word by word ("workbook: HEALTHCARE; database: HEALTH CARE"),
    /// or "" where they are the same after normalising.
    /// </summary>
    public static string Describe(string? workbookName, string? databaseName)
    {
        IReadOnlyList<string> workbook = Words(workbookName);
        IReadOnlyList<string> database = Words(databaseName);
        if (workbook.SequenceEqual(database))
        {
            return "";
        }

        var onlyWorkbook = Without(workbook, database);
        var onlyDatabase = Without(database, workbook);
        if (onlyWorkbook.Count == 0 && onlyDatabase.Count == 0)
        {
            return "same words in a different order";
        }

        string Part(string side, List<string> words) => words.Count == 0 ? $"{side}: (nothing else)" : $"{side}: {string.Join(' ', words)}";
        return Part("workbook", onlyWorkbook) + "; " + Part("database", onlyDatabase);
    }

    // Multiset difference: each word of 'other' cancels one occurrence in 'words'.
    private static List<string> Without(IReadOnlyList<string> words, IReadOnlyList<string> other)
    {
        var remaining = other.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (string w in words)
        {
            if (remaining.TryGetValue(w, out int n) && n > 0)
            {
                remaining[w] = n - 1;
            }
            else
            {
                result.Add(w);
            }
        }

        return result;
    }
}
