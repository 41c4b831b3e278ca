using System.Buffers.Binary;
using System.Text;

namespace NhsCommunity.Fixtures;

/// <summary>
/// A minimal OLE compound file (MS-CFB, version 3, 512-byte sectors) holding a few streams in the root
/// storage: what Excel wraps a password-protected workbook in. Streams under 4096 bytes live in the mini
/// stream (64-byte mini sectors), larger ones in ordinary sectors, as the format requires.
/// Layout: header, sector 0 = FAT, sector 1 = directory, sector 2 = mini FAT, then the mini stream's
/// sectors, then each large stream's sectors. One FAT, one directory and one mini FAT sector limit it to
/// three streams, 8 KB of small streams and about 60 KB in all: plenty for a fixture.
/// </summary>
internal static class CompoundFileWriter
{
    private const int SectorSize = 512;
    private const int MiniSectorSize = 64;
    private const int MiniStreamCutoff = 4096;
    private const int EntriesPerSector = SectorSize / 4;
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint FatSector = 0xFFFFFFFD;
    private const uint NoStream = 0xFFFFFFFF;
    private const int FirstMiniStreamSector = 3;

    public static byte[] Build(IReadOnlyList<(string Name, byte[] Content)> streams)
    {
        if (streams.Count is < 1 or > 3)
        {
            throw new ArgumentException("One directory sector holds the root and at most three streams.", nameof(streams));
        }

        bool[] small = streams.Select(s => s.Content.Length < MiniStreamCutoff).ToArray();
        int[] miniSectors = streams.Select((s, i) => small[i] ? Math.Max(1, Ceiling(s.Content.Length, MiniSectorSize)) : 0).ToArray();
        int miniTotal = miniSectors.Sum();
        int miniStreamSectors = Ceiling(miniTotal * MiniSectorSize, SectorSize);
        int[] sectors = streams.Select((s, i) => small[i] ? 0 : Ceiling(s.Content.Length, SectorSize)).ToArray();
        int totalSectors = FirstMiniStreamSector + miniStreamSectors + sectors.Sum();
        if (totalSectors > EntriesPerSector || miniTotal > EntriesPerSector)
        {
            throw new ArgumentException("The streams need more than one FAT or mini FAT sector.", nameof(streams));
        }

        var file = new byte[SectorSize * (1 + totalSectors)];
        Span<byte> fat = Sector(file, 0);
        Span<byte> directory = Sector(file, 1);
        Span<byte> miniFat = Sector(file, 2);
        fat.Fill(0xFF);
        miniFat.Fill(0xFF);
        SetEntry(fat, 0, FatSector);
        SetEntry(fat, 1, EndOfChain);
        SetEntry(fat, 2, EndOfChain);
        Chain(fat, FirstMiniStreamSector, miniStreamSectors);

        WriteHeader(Sector(file, -1));
        uint rootStart = miniStreamSectors > 0 ? FirstMiniStreamSector : EndOfChain;

        // Siblings form a binary search tree ordered by name length, then upper-case name: chain them leftwards in that order.
        int[] order = Enumerable.Range(0, streams.Count)
            .OrderBy(i => streams[i].Name.Length).ThenBy(i => streams[i].Name.ToUpperInvariant(), StringComparer.Ordinal).ToArray();
        WriteEntry(directory[..128], "Root Entry", type: 5, left: NoStream, child: (uint)(order[^1] + 1), start: rootStart, size: (uint)(miniTotal * MiniSectorSize));

        int nextMini = 0;
        int nextSector = FirstMiniStreamSector + miniStreamSectors;
        for (int i = 0; i < streams.Count; i++)
        {
            int position = Array.IndexOf(order, i);
            uint left = position == 0 ? NoStream : (uint)(order[position - 1] + 1);
            byte[] content = streams[i].Content;
            uint start;
            if (small[i])
            {
                start = (uint)nextMini;
                Chain(miniFat, nextMini, miniSectors[i]);
                content.CopyTo(file.AsSpan(SectorSize * (1 + FirstMiniStreamSector) + MiniSectorSize * nextMini));
                nextMini += miniSectors[i];
            }
            else
            {
                start = (uint)nextSector;
                Chain(fat, nextSector, sectors[i]);
                content.CopyTo(file.AsSpan(SectorSize * (1 + nextSector)));
                nextSector += sectors[i];
            }

            WriteEntry(directory.Slice(128 * (i + 1), 128), streams[i].Name, type: 2, left, child: NoStream, start, size: (uint)content.Length);
        }

        for (int unused = streams.Count + 1; unused < 4; unused++)
        {
            Span<byte> entry = directory.Slice(128 * unused, 128);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], NoStream);
        }

        return file;
    }

    /// <summary>Sector n of the file (the header is sector -1).</summary>
    private static Span<byte> Sector(byte[] file, int n) => file.AsSpan(SectorSize * (n + 1), SectorSize);

    private static void WriteHeader(Span<byte> header)
    {
        ReadOnlySpan<byte> signature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        signature.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[24..], 0x003E); // minor version
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 0x0003); // major version 3: 512-byte sectors
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0xFFFE); // little-endian byte order mark
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], 9);      // sector size 2^9
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 6);      // mini sector size 2^6
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], 1);      // FAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], 1);      // first directory sector
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], MiniStreamCutoff);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], 2);      // first mini FAT sector
        BinaryPrimitives.WriteUInt32LittleEndian(header[64..], 1);      // mini FAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[68..], EndOfChain); // no DIFAT sectors
        header[76..].Fill(0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(header[76..], 0);      // DIFAT[0]: the FAT is sector 0
    }

    private static void WriteEntry(Span<byte> entry, string name, byte type, uint left, uint child, uint start, uint size)
    {
        int length = Encoding.Unicode.GetBytes(name, entry);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[64..], (ushort)(length + 2));
        entry[66] = type;
        entry[67] = 1; // black
        BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], left);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], NoStream);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], child);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[116..], start);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[120..], size);
    }

    /// <summary>Links <paramref name="count"/> consecutive entries from <paramref name="first"/> into one chain.</summary>
    private static void Chain(Span<byte> table, int first, int count)
    {
        for (int s = 0; s < count; s++)
        {
            SetEntry(table, first + s, s == count - 1 ? EndOfChain : (uint)(first + s + 1));
        }
    }

    private static void SetEntry(Span<byte> table, int index, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(table[(index * 4)..], value);

    private static int Ceiling(int length, int unit) => (length + unit - 1) / unit;
}
