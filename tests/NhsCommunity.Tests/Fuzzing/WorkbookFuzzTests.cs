using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;
using Xunit.Abstractions;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// The importer on workbooks damaged at random (see <see cref="Mutations"/>): every damaged file gives an
/// error naming it, or exactly the undamaged file's records (<see cref="RecordCells"/>); never different
/// numbers without an error. Each case is seeded; a failure prints the seed and how to replay it alone.
/// CI runs the default counts; NHSCOMMUNITY_FUZZ_CASES=5000 runs thousands (see <see cref="FuzzSettings"/>).
/// </summary>
public sealed class WorkbookFuzzTests : IClassFixture<FuzzSubjects>
{
    /// <summary>
    /// Mutation kinds that still give different data without an error against the reader as it is. Their
    /// failures are printed, not asserted; a kind that no longer fails at all must be taken off the list.
    /// Empty since the reader compares the band sheets' organisations, refuses cells whose content does not
    /// fit their type, and checks each part's CRC-32.
    /// </summary>
    internal static readonly IReadOnlySet<string> KnownGaps = new HashSet<string>(StringComparer.Ordinal);

    private const int GeneratedCases = 200;
    private const int RealCases = 100;

    private readonly FuzzSubjects _subjects;
    private readonly ITestOutputHelper _output;

    public WorkbookFuzzTests(FuzzSubjects subjects, ITestOutputHelper output)
    {
        _subjects = subjects;
        _output = output;
    }

    [Fact]
    public void Generated_workbooks_damaged_at_random_give_an_error_naming_the_file_or_the_same_records() =>
        RunCases(_subjects.Generated, GeneratedCases, nameof(Generated_workbooks_damaged_at_random_give_an_error_naming_the_file_or_the_same_records));

    [SkippableFact]
    public void Real_workbooks_damaged_at_random_give_an_error_naming_the_file_or_the_same_records()
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        RunCases(FuzzSubjects.Real, RealCases, nameof(Real_workbooks_damaged_at_random_give_an_error_naming_the_file_or_the_same_records));
    }

    [Fact]
    public void The_known_gaps_list_does_not_grow()
    {
        // Raise this number only with a reason in the commit; lower it whenever the reader closes a gap.
        Assert.True(KnownGaps.Count <= 0, $"known gaps: {string.Join(", ", KnownGaps)}");
        Assert.All(KnownGaps, gap => Mutations.Named(gap));
    }

    [Fact]
    public void An_undamaged_workbook_written_again_as_a_zip_reads_the_same_records()
    {
        using var temp = new TempDirectory();
        foreach (FuzzSubject subject in _subjects.Generated)
        {
            string path = temp.File(subject.FileName);
            File.WriteAllBytes(path, subject.Package.ToZip());
            Assert.Empty(RecordCells.Differences(subject.Content, new WorkbookImporter().Read(path), []));
        }
    }

    [Fact]
    public void The_comparison_finds_a_changed_count_and_a_count_gone_blank()
    {
        FuzzSubject subject = _subjects.Generated[0];
        (BandSheetLayout sheet, CellSpan cell) = new Random(7).PickCount(subject);
        int count = int.Parse(cell.Value!, System.Globalization.CultureInfo.InvariantCulture);
        using var temp = new TempDirectory();

        string changed = temp.File("changed.xlsx");
        string element = sheet.Xml.Substring(cell.Start, cell.Length).Replace($"<v>{cell.Value}</v>", $"<v>{count + 1}</v>", StringComparison.Ordinal);
        File.WriteAllBytes(changed, subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, element)).ToZip());
        string difference = Assert.Single(RecordCells.Differences(subject.Content, new WorkbookImporter().Read(changed), []));
        Assert.Contains($"expected {count} (", difference, StringComparison.Ordinal);
        Assert.Contains($"read {count + 1} (", difference, StringComparison.Ordinal);

        string blank = temp.File("blank.xlsx");
        File.WriteAllBytes(blank, subject.Package.WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, cell.Start, cell.Length, SheetXml.EmptyCell(cell))).ToZip());
        difference = Assert.Single(RecordCells.Differences(subject.Content, new WorkbookImporter().Read(blank), []));
        Assert.EndsWith($"expected {count}, read no value", difference, StringComparison.Ordinal);
    }

    private void RunCases(IReadOnlyList<FuzzSubject> subjects, int defaultCases, string test)
    {
        using var temp = new TempDirectory();
        IWorkbookMutation? forced = FuzzSettings.Mutation;
        var started = System.Diagnostics.Stopwatch.StartNew();
        FuzzOutcome[] outcomes = FuzzSettings.Seeds(defaultCases).Select(seed => FuzzCase.Run(seed, subjects, temp.Path, forced)).ToArray();
        _output.WriteLine($"{outcomes.Length} cases in {started.Elapsed.TotalSeconds:F1} s, {outcomes.Sum(o => o.Damaging.TotalSeconds):F1} s of it damaging and writing the files");
        foreach (IGrouping<string, FuzzOutcome> kind in outcomes.GroupBy(o => o.Mutation).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string errors = string.Join(", ", kind.Where(o => o.Refused).GroupBy(o => o.ErrorId).Select(e => $"{e.Key} {e.Count()}"));
            _output.WriteLine($"  {kind.Key}: {kind.Count()} cases, {kind.Count(o => o.Refused)} refused ({errors}), {kind.Count(o => o.Failure is not null)} failed");
        }

        if (outcomes.Length == 1 || forced is not null)
        {
            foreach (FuzzOutcome o in outcomes)
            {
                _output.WriteLine($"seed {o.Seed} [{o.Subject}] {o.Mutation}: {o.Description}: {(o.ErrorId is null ? "read" : "refused, " + o.ErrorId)}; {o.Failure ?? "passed"}");
            }
        }

        string Report(FuzzOutcome o) =>
            $"seed {o.Seed} [{o.Subject}] {o.Mutation}: {o.Description}: {o.Failure}{Environment.NewLine}" +
            $"    replay: {FuzzSettings.Replay(o.Seed)} dotnet test Cmdlets.sln -c Release --no-build --filter \"FullyQualifiedName~{nameof(WorkbookFuzzTests)}.{test}\"";

        FuzzOutcome[] failed = outcomes.Where(o => o.Failure is not null).ToArray();
        foreach (FuzzOutcome gap in failed.Where(o => KnownGaps.Contains(o.Mutation)))
        {
            _output.WriteLine("known gap: " + Report(gap));
        }

        FuzzOutcome[] failures = failed.Where(o => !KnownGaps.Contains(o.Mutation)).ToArray();
        string[] closed = KnownGaps
            .Where(gap => outcomes.Count(o => o.Mutation == gap) >= 10 && !failed.Any(o => o.Mutation == gap))
            .ToArray();
        Assert.True(closed.Length == 0, $"{string.Join(", ", closed)} no longer fail(s) in {outcomes.Length} cases: take them off {nameof(KnownGaps)}.");
        Assert.True(
            failures.Length == 0,
            $"{failures.Length} of {outcomes.Length} damaged workbooks broke the promise:{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Take(40).Select(Report)));
    }
}
