namespace NhsCommunity.Demo;

/// <summary>The figures of Invoke-CommunityBackfill's summary that the demo prints and decides its exit code on.</summary>
internal sealed record BackfillOutcome(
    int ExitCode,
    int FilesRead,
    int FilesFailed,
    IReadOnlyList<DateTime> Months,
    int MonthsWritten,
    int MonthsFailed,
    int TrustsUpdated,
    int TrustsUnchanged,
    int TrustsInserted,
    int TrustsNotInDatabase,
    int NonNhsProviders,
    int TrustsNotInWorkbooks,
    TimeSpan Duration,
    IReadOnlyList<string> Failures);
