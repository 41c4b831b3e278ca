using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>What one case did, and why it failed (null when it passed).</summary>
internal sealed record FuzzOutcome(int Seed, string Subject, string Mutation, string Description, string? ErrorId, string? Failure, TimeSpan Damaging)
{
    public bool Refused => ErrorId is not null;
}

/// <summary>
/// One case: from its seed, a workbook, a mutation and the mutation's choices; the damaged file written and
/// imported; the result held to the property: an error naming the file, or the same records. Never
/// different numbers without an error, and never another kind of exception or a hang.
/// </summary>
internal static class FuzzCase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static FuzzOutcome Run(int seed, IReadOnlyList<FuzzSubject> subjects, string directory, IWorkbookMutation? forced)
    {
        var damaging = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(seed);
        FuzzSubject subject = random.Pick(subjects);

        // Drawn even when forced, so a seed forced to its own mutation replays exactly.
        IWorkbookMutation drawn = random.Pick(Mutations.All);
        IWorkbookMutation mutation = forced ?? drawn;
        Damage damage = mutation.Apply(subject, random);
        string path = Path.Combine(directory, $"seed{seed}-{subject.FileName}");
        File.WriteAllBytes(path, damage.File);
        damaging.Stop();
        FuzzOutcome Outcome(string? errorId, string? failure) => new(seed, subject.Label, mutation.Name, damage.Description, errorId, failure, damaging.Elapsed);
        try
        {
            using var patience = new CancellationTokenSource(Patience);
            WorkbookContent content;
            try
            {
                content = new WorkbookImporter().Read(path, patience.Token);
            }
            catch (WorkbookFormatException error)
            {
                if (error.File != path || !error.Message.Contains(Path.GetFileName(path), StringComparison.Ordinal))
                {
                    return Outcome(error.ErrorId, $"the error does not name the file ({error.ErrorId}: {error.Message})");
                }

                return Outcome(error.ErrorId, damage.Expectation == Expectation.ReadEqual ? $"refused a file that means the same ({error.ErrorId}: {error.Message})" : null);
            }
            catch (OperationCanceledException)
            {
                return Outcome(null, $"no answer within {Patience.TotalSeconds} s");
            }
            catch (Exception error)
            {
                string at = error.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
                return Outcome(null, $"{error.GetType().Name} instead of a workbook error: {error.Message} ({at})");
            }

            IReadOnlyList<string> differences = RecordCells.Differences(subject.Content, content, damage.Renames);
            if (differences.Count > 0)
            {
                return Outcome(null, $"read without an error, and different: {differences.Count} difference(s), e.g. {string.Join("; ", differences.Take(3))}");
            }

            return Outcome(null, damage.Expectation == Expectation.Refuse ? $"read without an error ({content.Records.Count} records, the same as the undamaged file's)" : null);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
