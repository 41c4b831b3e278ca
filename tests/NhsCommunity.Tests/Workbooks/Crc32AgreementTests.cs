using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>The runtime's zlib crc32, which checks the parts, and the table it falls back to give the same checksums.</summary>
public sealed class Crc32AgreementTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1_000_003)]
    public void The_fast_checksum_equals_the_table_in_one_piece_and_in_chunks(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Crc32.AppendWithTable(0, data), Crc32.Append(0, data));

        uint fast = 0, table = 0;
        foreach (byte[] chunk in data.Chunk(8191))
        {
            fast = Crc32.Append(fast, chunk);
            table = Crc32.AppendWithTable(table, chunk);
        }

        Assert.Equal(table, fast);
    }

    [Fact]
    public void An_empty_piece_leaves_the_checksum_as_it_was()
    {
        Assert.Equal(0xCBF43926u, Crc32.Append(0xCBF43926u, []));
    }
}
