using System.Security.Cryptography;
using NhsCommunity.Fixtures;
using NhsCommunity.Ledger;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>
/// The ledger records the hash of the bytes a run parsed, not of whatever stood at the path when the folder was
/// first hashed: a sync job may replace a file between the two.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ReadHashTests
{
    [Fact]
    public void Read_gives_the_hash_of_the_bytes_it_parsed_even_when_the_file_was_replaced_after_hashing()
    {
        using var directory = new TemporaryDirectory();
        var first = new WorkbookSpec(new DateTime(2025, 3, 1));
        string path = directory.File(first.FileName);
        CommunityWorkbookWriter.Write(path, first);
        LoadFile hashed = LoadFile.Hash(path);

        CommunityWorkbookWriter.Write(path, first with { Seed = first.Seed + 1 });
        WorkbookContent content = new WorkbookImporter().Read(path, out string sha256);

        string expected = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal(expected, sha256);
        Assert.NotEqual(hashed.Sha256, sha256);
        Assert.Equal(new DateTime(2025, 3, 1), content.Period);
    }
}
