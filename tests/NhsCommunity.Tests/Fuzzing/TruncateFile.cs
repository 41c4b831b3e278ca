namespace NhsCommunity.Tests.Fuzzing;

/// <summary>The file cut off at a random offset, as a partial download leaves it: the zip's directory is gone.</summary>
internal sealed class TruncateFile : IWorkbookMutation
{
    public string Name => nameof(TruncateFile);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        int keep = random.Next(1, subject.File.Length);
        return new Damage($"cut the file after {keep} of {subject.File.Length} bytes", Expectation.Refuse, subject.File[..keep]);
    }
}
