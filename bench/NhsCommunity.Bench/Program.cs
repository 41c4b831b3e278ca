namespace NhsCommunity.Bench;

/// <summary>
/// Runs one benchmark by name: dotnet run -c Release --project bench/NhsCommunity.Bench -- import
/// A benchmark is a class implementing <see cref="IBenchmark"/> in its own file, registered below with one line.
/// </summary>
internal static class Program
{
    private static readonly IBenchmark[] Benchmarks =
    [
        new ImportBenchmark(),
        new ImportOnceCommand(),
        new BackfillBenchmark(),
        new BackfillOnceCommand(),
        new CoverageBenchmark(),
        new LedgerBenchmark(),
        new MartBenchmark(),
    ];

    private static int Main(string[] args)
    {
        IBenchmark? benchmark = args.Length == 0 ? null : Benchmarks.FirstOrDefault(b => b.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase));
        if (benchmark is null)
        {
            Console.Error.WriteLine("usage: NhsCommunity.Bench <benchmark> [options]");
            foreach (IBenchmark known in Benchmarks)
            {
                Console.Error.WriteLine($"  {known.Name,-14} {known.Description}");
            }

            return 2;
        }

        return benchmark.Run(args[1..]);
    }
}
