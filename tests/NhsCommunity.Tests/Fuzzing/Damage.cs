namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A service header the damage renamed, in one band sheet: the column keeps its counts but is now known by
/// <paramref name="To"/>, so the comparison follows it there instead of calling its numbers lost.
/// </summary>
internal sealed record HeaderRename(string Sheet, string From, string To);

/// <summary>A damaged copy of a workbook: the file's bytes, what was done to it, and what the importer may do with it.</summary>
internal sealed record Damage(string Description, Expectation Expectation, byte[] File)
{
    public IReadOnlyList<HeaderRename> Renames { get; init; } = [];
}
