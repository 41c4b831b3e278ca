using System.Globalization;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// How many cases to run, or which one to replay. NHSCOMMUNITY_FUZZ_CASES=5000 runs that many cases on each
/// kind of workbook; NHSCOMMUNITY_FUZZ_SEED=123 runs that one case alone (as a failure prints it), and
/// NHSCOMMUNITY_FUZZ_MUTATION=DropRow makes every case use that mutation.
/// </summary>
internal static class FuzzSettings
{
    public const string CasesVariable = "NHSCOMMUNITY_FUZZ_CASES";
    public const string SeedVariable = "NHSCOMMUNITY_FUZZ_SEED";
    public const string MutationVariable = "NHSCOMMUNITY_FUZZ_MUTATION";

    /// <summary>The seeds to run: the one to replay, or 1 to the number of cases.</summary>
    public static IReadOnlyList<int> Seeds(int defaultCases)
    {
        if (Number(SeedVariable) is int seed)
        {
            return [seed];
        }

        return Enumerable.Range(1, Number(CasesVariable) ?? defaultCases).ToArray();
    }

    public static IWorkbookMutation? Mutation =>
        Environment.GetEnvironmentVariable(MutationVariable) is { Length: > 0 } name ? Mutations.Named(name) : null;

    /// <summary>The environment that replays a case: its seed, and the mutation where one was forced.</summary>
    public static string Replay(int seed) =>
        $"{SeedVariable}={seed}" + (Mutation is IWorkbookMutation forced ? $" {MutationVariable}={forced.Name}" : "");

    private static int? Number(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
}
