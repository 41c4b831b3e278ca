namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A part cut off at a random offset before its closing tag, in a zip that is itself valid: the sheet that
/// ends at row 100 without &lt;/sheetData&gt;. A part the records depend on must then be refused.
/// </summary>
internal sealed class TruncatePart : IWorkbookMutation
{
    public string Name => nameof(TruncatePart);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        string part = random.PickPart(subject);
        byte[] content = subject.Package.Bytes(part);
        int lastTag = Array.LastIndexOf(content, (byte)'<');
        int keep = random.Next(0, Math.Max(1, lastTag));
        return new Damage(
            $"cut '{part}' after {keep} of {content.Length} bytes",
            subject.NeededParts.Contains(part) ? Expectation.Refuse : Expectation.RefuseOrReadEqual,
            subject.Package.With(part, content[..keep]).ToZip());
    }
}
