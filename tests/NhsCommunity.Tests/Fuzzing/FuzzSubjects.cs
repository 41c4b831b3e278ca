using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// The workbooks the fuzzer damages: generated ones in the real layout of two months (the whole 52+ band of
/// August 2024; the split band and extra note row of January 2025), written once per test run, and NHS
/// England's real workbooks where ../shared is present. A generated workbook is written again with stable
/// relationship ids, deflated as Excel does, so it is the same file in every run.
/// </summary>
public sealed class FuzzSubjects : IDisposable
{
    private static readonly DateTime[] GeneratedMonths = [new(2024, 8, 1), new(2025, 1, 1)];
    private static readonly Lazy<IReadOnlyList<FuzzSubject>> RealWorkbooks = new(() =>
        Directory.EnumerateFiles(RepositoryPaths.RealWorkbookDirectory, "*.xlsx").Order(StringComparer.Ordinal)
            .Select(path => FuzzSubject.Load($"real {Path.GetFileName(path)}", path))
            .ToArray());

    private readonly TempDirectory _directory = new();

    public FuzzSubjects()
    {
        var generated = new FuzzSubject[GeneratedMonths.Length];
        Parallel.For(0, GeneratedMonths.Length, i =>
        {
            var spec = new WorkbookSpec(GeneratedMonths[i]) { Seed = 10 + i };
            string path = _directory.File(spec.FileName);
            CommunityWorkbookWriter.Write(path, spec);
            WorkbookPackage written = WorkbookPackage.Read(File.ReadAllBytes(path));
            File.WriteAllBytes(path, StableRelationshipIds.Apply(written).ToZip(System.IO.Compression.CompressionLevel.Optimal));
            generated[i] = FuzzSubject.Load($"generated {spec.Period:yyyy-MM}", path);
        });
        Generated = generated;
    }

    internal IReadOnlyList<FuzzSubject> Generated { get; }

    /// <summary>The real workbooks; only call where <see cref="RepositoryPaths.HasRealWorkbooks"/>.</summary>
    internal static IReadOnlyList<FuzzSubject> Real => RealWorkbooks.Value;

    public void Dispose() => _directory.Dispose();
}
