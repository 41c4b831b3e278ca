namespace NhsCommunity.Bench;

/// <summary>One subcommand of the benchmark runner.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    int Run(string[] args);
}
