namespace NhsCommunity.Tests.Fuzzing;

/// <summary>Every kind of damage the fuzzer does; a case picks one with its seed.</summary>
internal static class Mutations
{
    public static IReadOnlyList<IWorkbookMutation> All { get; } =
    [
        new TruncatePart(),
        new TruncateFile(),
        new FlipBytes(),
        new DropPart(),
        new DuplicatePart(),
        new DropRow(),
        new DuplicateRow(),
        new SwapSheets(),
        new ChangeCellType(),
        new InlineStringWithoutText(),
        new CountFormula(),
        new ChangeCellStyle(),
        new BlankHeader(),
        new RenameHeader(),
        new MergeHeader(),
    ];

    public static IWorkbookMutation Named(string name) =>
        All.SingleOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No mutation '{name}'; the mutations are {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
}
