namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// A few bytes of the file as published (deflated) changed at random, as a bad disk or transfer does. The
/// zip's checksums cover the data; a byte in a part nobody reads may change nothing.
/// </summary>
internal sealed class FlipBytes : IWorkbookMutation
{
    public string Name => nameof(FlipBytes);

    public Damage Apply(FuzzSubject subject, Random random)
    {
        byte[] file = (byte[])subject.File.Clone();
        var changed = new List<string>();
        for (int i = random.Next(1, 9); i > 0; i--)
        {
            int offset = random.Next(file.Length);
            byte mask = (byte)random.Next(1, 256);
            file[offset] ^= mask;
            changed.Add($"{offset} ^ 0x{mask:X2}");
        }

        return new Damage($"changed bytes {string.Join(", ", changed)}", Expectation.RefuseOrReadEqual, file);
    }
}
