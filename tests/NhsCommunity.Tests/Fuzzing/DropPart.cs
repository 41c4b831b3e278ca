namespace NhsCommunity.Tests.Fuzzing;

/// <summary>A part left out of the zip; the workbook still refers to it.</summary>
internal sealed class DropPart : IWorkbookMutation
{
    public string Name => nameof(DropPart);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        string part = random.PickPart(subject);
        return new Damage(
            $"left out '{part}'",
            subject.NeededParts.Contains(part) ? Expectation.Refuse : Expectation.RefuseOrReadEqual,
            subject.Package.Without(part).ToZip());
    }
}
