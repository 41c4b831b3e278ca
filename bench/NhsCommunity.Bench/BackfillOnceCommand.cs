using System.Diagnostics;
using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Bench;

/// <summary>
/// The child process of the backfill benchmark: imports the given workbooks, builds the documents and
/// writes them month by month to the database in NHSCOMMUNITY_CONNECTION, as Update-TrustMetrics does.
/// Prints "import-ms write-ms writer-round-trips months updated" on one line.
/// Usage: backfill-once &lt;file or @listfile&gt;...
/// </summary>
internal sealed class BackfillOnceCommand : IBenchmark
{
    public string Name => "backfill-once";

    public string Description => "(internal) import, convert and write the given files once; print ms, round trips, months, updated";

    public int Run(string[] args)
    {
        var stopwatch = Stopwatch.StartNew();
        var files = args.SelectMany(a => a.StartsWith('@') ? File.ReadAllLines(a[1..]).Where(l => l.Length > 0) : [a]).ToList();
        var importer = new WorkbookImporter();
        var builder = new CommunityDocumentBuilder();
        foreach (string file in files)
        {
            builder.AddRange(importer.Read(file).Records);
        }

        IReadOnlyList<CommunityDocument> documents = builder.Build().Documents;
        double importMs = stopwatch.Elapsed.TotalMilliseconds;

        stopwatch.Restart();
        int updated = 0, months = 0, roundTrips;
        using (DatabaseTarget database = DatabaseTarget.Resolve(null))
        {
            var writer = new TrustMetricsWriter(database, new TrustMetricsWriteOptions());
            try
            {
                writer.PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
                if (Environment.GetEnvironmentVariable("NHSCOMMUNITY_BENCH_TRACE") is not null)
                {
                    Console.Error.WriteLine($"prepared (connection included) after {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
                }
                foreach (var month in documents.GroupBy(d => d.Period).OrderBy(g => g.Key))
                {
                    MonthWriteOutcome outcome = writer.WriteMonthAsync(month.Key, month.ToList(), CancellationToken.None).GetAwaiter().GetResult();
                    if (outcome.Failure is not null)
                    {
                        Console.Error.WriteLine(outcome.Failure.Message);
                        return 1;
                    }

                    months++;
                    if (Environment.GetEnvironmentVariable("NHSCOMMUNITY_BENCH_TRACE") is not null)
                    {
                        Console.Error.WriteLine($"{month.Key:yyyy-MM}: {outcome.Elapsed.TotalMilliseconds:F0} ms, {month.Count()} documents");
                    }
                    updated += outcome.Count(TrustMetricsWriteStatus.Updated);
                }

            }
            finally
            {
                // Disposing releases the run's lease: one more round trip, counted with the rest.
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                roundTrips = writer.RoundTrips;
            }
        }

        double writeMs = stopwatch.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{importMs:F1} {writeMs:F1} {roundTrips} {months} {updated}"));
        return 0;
    }
}
