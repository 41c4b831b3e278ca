using System.Reflection;
using System.Text.Json;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Pester;

/// <summary>
/// One run of the whole Pester suite (tests/pester) in real pwsh, shared by every test of
/// <see cref="PesterSuiteTests"/>: the throw-away cluster (<see cref="TestPostgres"/>), two template
/// databases and the generated workbooks are prepared here and handed to pwsh in NHSCOMMUNITY_TEST_*.
/// </summary>
public sealed class PesterRun : IDisposable
{
    /// <summary>A year of generated workbooks, August 2024 to July 2025, as the help's examples expect.</summary>
    private static readonly DateTime[] Months = [.. Enumerable.Range(0, 12).Select(i => new DateTime(2024, 8, 1).AddMonths(i))];

    private readonly string _folder = Directory.CreateTempSubdirectory("nhscommunity-pester-").FullName;
    private readonly Lazy<(ProcessResult Process, IReadOnlyList<PesterFile> Files)> _run;

    public PesterRun() => _run = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string SuiteDirectory => Path.Combine(RepositoryPaths.Root, "tests", "pester");

    public static string PesterModule => typeof(PesterRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PesterModule").Value!;

    /// <summary>pwsh's own output (Pester's report) and exit code.</summary>
    public ProcessResult Process => _run.Value.Process;

    public IReadOnlyList<PesterFile> Files => _run.Value.Files;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ProcessResult, IReadOnlyList<PesterFile>) Run()
    {
        string workbooks = Path.Combine(_folder, "workbooks");
        SyntheticHistory.Write(workbooks, Months[0], Months.Length);

        // A revised edition of April 2025 (other figures, revised a month after publication), for the incremental refresh.
        string revisions = Path.Combine(_folder, "revisions");
        Directory.CreateDirectory(revisions);
        var april = new WorkbookSpec(new DateTime(2025, 4, 1));
        CommunityWorkbookWriter.Write(Path.Combine(revisions, "Community-health-services-waiting-lists-2025-26-April-revised.xlsx"), april with { Seed = 2, Revised = april.Published.AddDays(30) });
        void Seed(string connection) => TrustMetricsFixtureLoader.LoadSynthetic(connection, SyntheticProviders.NhsTrusts.Select(t => (t.Code, t.Name)), Months);
        string seeded = Template("pester_seeded", Seed);
        string backfilled = Template("pester_backfilled", connection =>
        {
            Seed(connection);
            Backfill(connection, workbooks);
        });
        // The help's examples run on NHS England's real workbooks, backfilled over the trust_metrics fixture,
        // where the shared data is beside the checkout (PesterSuiteTests skips that file otherwise).
        string realWorkbooks = RepositoryPaths.RealWorkbookDirectory;
        bool hasRealData = Directory.Exists(realWorkbooks) && File.Exists(RepositoryPaths.TrustMetricsFixture);
        string realBackfilled = hasRealData ? Template("pester_real", connection =>
        {
            TrustMetricsFixtureLoader.Load(connection);
            Backfill(connection, realWorkbooks);
        }) : "";
        string empty = Template("pester_empty", connection =>
        {
            using var open = new NpgsqlConnection(connection);
            open.Open();
            TrustMetricsFixtureLoader.CreateTable(open);
        });

        string results = Path.Combine(_folder, "results");
        Directory.CreateDirectory(results);
        ProcessResult process = PwshProcess.Run(
            ["-File", Path.Combine(SuiteDirectory, "Invoke-PesterSuite.ps1"), "-PesterModule", PesterModule, "-ResultDirectory", results],
            new Dictionary<string, string?>
            {
                ["NHSCOMMUNITY_TEST_SERVER"] = TestPostgres.Instance.ConnectionString(),
                ["NHSCOMMUNITY_TEST_PSQL"] = Path.Combine(TestPostgres.Instance.BinDirectory, "psql"),
                ["NHSCOMMUNITY_TEST_WORKBOOKS"] = workbooks,
                ["NHSCOMMUNITY_TEST_REVISIONS"] = revisions,
                ["NHSCOMMUNITY_TEST_SEEDED"] = seeded,
                ["NHSCOMMUNITY_TEST_EMPTY"] = empty,
                ["NHSCOMMUNITY_TEST_BACKFILLED"] = backfilled,
                ["NHSCOMMUNITY_TEST_REAL_WORKBOOKS"] = hasRealData ? realWorkbooks : "",
                ["NHSCOMMUNITY_TEST_REALBACKFILLED"] = realBackfilled,
            },
            timeout: TimeSpan.FromMinutes(20));

        string summary = Path.Combine(results, "summary.json");
        if (!File.Exists(summary))
        {
            throw new InvalidOperationException("The Pester run wrote no summary.\n" + process);
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(summary));
        JsonElement root = document.RootElement;
        IEnumerable<JsonElement> entries = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];
        return (process, entries.Select(PesterFile.From).ToArray());
    }

    /// <summary>Writes every workbook in <paramref name="folder"/> into the database, failing on any failure.</summary>
    private static void Backfill(string connection, string folder)
    {
        using var session = new PowerShellSession();
        session.Invoke(
            "$summary = Invoke-CommunityBackfill -LiteralPath $files -ConnectionString $connection -ErrorAction Stop; if ($summary.ExitCode -ne 0) { throw 'backfill failed' }",
            new Dictionary<string, object?> { ["files"] = Directory.GetFiles(folder, "*.xlsx"), ["connection"] = connection });
    }

    /// <summary>A database the Pester tests copy (CREATE DATABASE ... TEMPLATE): no connection may stay open on it.</summary>
    private static string Template(string purpose, Action<string> fill)
    {
        string connection = new NpgsqlConnectionStringBuilder(TestPostgres.NewDatabase(purpose)) { Pooling = false }.ConnectionString;
        fill(connection);
        return new NpgsqlConnectionStringBuilder(connection).Database!;
    }
}

/// <summary>One test file's outcome, as Invoke-PesterSuite.ps1 summarises it.</summary>
public sealed record PesterFile(string File, string Result, string Error, int Passed, IReadOnlyList<(string Name, string Error)> Failed, IReadOnlyList<string> Skipped)
{
    public static PesterFile From(JsonElement entry) => new(
        entry.GetProperty(nameof(File)).GetString()!,
        entry.GetProperty(nameof(Result)).GetString() ?? "",
        entry.GetProperty(nameof(Error)).GetString() ?? "",
        entry.GetProperty(nameof(Passed)).GetInt32(),
        Items(entry.GetProperty(nameof(Failed))).Select(f => (f.GetProperty("Name").GetString()!, f.GetProperty(nameof(Error)).GetString() ?? "")).ToArray(),
        Items(entry.GetProperty(nameof(Skipped))).Select(s => s.GetString()!).ToArray());

    // ConvertTo-Json writes a one-element array as the element itself, and an empty one as [] or null.
    private static IEnumerable<JsonElement> Items(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray(),
        JsonValueKind.Null => [],
        _ => [value],
    };
}
