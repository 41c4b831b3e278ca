using NhsCommunity.Catalogue;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A service header in one band sheet renamed to text the catalogue does not know: non-ASCII, or an unknown
/// name. The column becomes another service, which must have a non-empty key; its counts must not change
/// and none may be lost. The comparison follows the column to its new name.
/// </summary>
internal sealed class RenameHeader : IWorkbookMutation
{
    private static readonly string[] Categories = ["A", "CYP"];
    private static readonly string[] NonAscii = ["理学療法", "Ψυχολογική υποστήριξη", "Логопедия", "(A) Réadaptation à domicile", "(CYP) Ærøskøbing ørthoptics", "(A) – ‘Wound’ care”"];

    public string Name => nameof(RenameHeader);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        BandSheetLayout sheet = random.Pick(subject.BandSheets);
        CellSpan header = random.Pick(sheet.ServiceHeaders);
        string text = random.Next(2) == 0 ? random.Pick(NonAscii) : $"({random.Pick(Categories)}) Unlisted service {random.Next(1000, 10000)}";
        if (ServiceCatalogue.TryMatch(text, out _))
        {
            throw new InvalidOperationException($"'{text}' is in the catalogue; the rename must give a header it does not know");
        }

        (string table, int index) = SharedStringTable.Add(subject, text);
        string element = $"<c r=\"{header.Reference}\"{(header.Style is null ? "" : $" s=\"{header.Style}\"")} t=\"s\"><v>{index}</v></c>";
        string from = subject.TextOf(header)!.Trim();
        return new Damage(
            $"renamed '{sheet.Sheet.Name}'!{header.Reference} '{from}' to '{text}'",
            Expectation.RefuseOrReadEqual,
            subject.Package
                .WithText(subject.SharedStringsPart, table)
                .WithText(sheet.Sheet.Part, SheetXml.Replace(sheet.Xml, header.Start, header.Length, element))
                .ToZip())
        {
            Renames = [new HeaderRename(sheet.Sheet.Name, from, text)],
        };
    }
}
