namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A second zip entry with a part's name: either the same bytes again, or another sheet's bytes, so a reader
/// that takes whichever entry comes last would read the wrong table.
/// </summary>
internal sealed class DuplicatePart : IWorkbookMutation
{
    public string Name => nameof(DuplicatePart);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        string part = random.PickPart(subject);
        if (random.Next(2) == 0)
        {
            return new Damage($"added a second, identical '{part}'", Expectation.RefuseOrReadEqual, subject.Package.WithSecondEntry(part, subject.Package.Bytes(part)).ToZip());
        }

        SheetPart other = random.Pick(subject.BandSheets).Sheet;
        return new Damage(
            $"added a second '{part}' holding '{other.Part}' (sheet '{other.Name}')",
            Expectation.RefuseOrReadEqual,
            subject.Package.WithSecondEntry(part, subject.Package.Bytes(other.Part)).ToZip());
    }
}
