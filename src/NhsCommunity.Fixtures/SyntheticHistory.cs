namespace NhsCommunity.Fixtures;

/// <summary>A run of monthly workbooks with the publication's file names, for larger synthetic runs and benchmarks.</summary>
public static class SyntheticHistory
{
    /// <summary>
    /// Writes <paramref name="months"/> consecutive workbooks from <paramref name="firstMonth"/> into
    /// <paramref name="directory"/>, each in the layout of its month; returns their paths in month order.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, DateTime firstMonth, int months, int seed = 1, Func<WorkbookSpec, WorkbookSpec>? adjust = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        Directory.CreateDirectory(directory);
        var first = new DateTime(firstMonth.Year, firstMonth.Month, 1);
        var paths = new string[months];
        Parallel.For(0, months, i =>
        {
            WorkbookSpec spec = new(first.AddMonths(i)) { Seed = seed };
            spec = adjust?.Invoke(spec) ?? spec;
            paths[i] = Path.Combine(directory, spec.FileName);
            CommunityWorkbookWriter.Write(paths[i], spec);
        });
        return paths;
    }
}
