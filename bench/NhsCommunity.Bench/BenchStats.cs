using System.Globalization;

namespace NhsCommunity.Bench;

/// <summary>Medians and the machine's load, shared by the benchmarks.</summary>
internal static class BenchStats
{
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1, 5 and 15 minute load averages, to quote with every figure (wall times mean little on a busy machine).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    public static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
