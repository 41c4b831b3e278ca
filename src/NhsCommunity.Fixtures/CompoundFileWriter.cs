using System.Buffers.Binary;
using System.Text;

namespace NhsCommunity.Fixtures;

/// <summary>
/// A minimal OLE compound file (MS-CFB, version 3, 512-byte sectors) holding a few streams in the root
/// storage: what Excel wraps a password-protected workbook in. To stay small it has no mini stream, so each
/// stream is padded to the 4096-byte cutoff (streams under it would belong in the mini stream); one FAT
/// sector limits the file to 127 data sectors (about 63 KB).
/// Layout: header, sector 0 = FAT, sector 1 = directory, then each stream's sectors in turn.
/// </summary>
internal static class CompoundFileWriter
{
    private const int SectorSize = 512;
    private const int MiniStreamCutoff = 4096;
    private const uint FreeSector = 0xFFFFFFFF;
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint FatSector = 0xFFFFFFFD;
    private const uint NoStream = 0xFFFFFFFF;

    public static byte[] Build(IReadOnlyList<(string Name, byte[] Content)> streams)
    {
        if (streams.Count is < 1 or > 3)
        {
            throw new ArgumentException("One directory sector holds the root and at most three streams.", nameof(streams));
        }

        var padded = streams.Select(s => (s.Name, Content: Pad(s.Content, Math.Max(MiniStreamCutoff, RoundUp(s.Content.Length))))).ToArray();
        int dataSectors = padded.Sum(s => s.Content.Length / SectorSize);
        if (dataSectors + 2 > SectorSize / 4)
        {
            throw new ArgumentException("The streams need more than one FAT sector.", nameof(streams));
        }

        var file = new byte[SectorSize * (1 + 2 + dataSectors)];
        WriteHeader(file.AsSpan(0, SectorSize));

        Span<byte> fat = file.AsSpan(SectorSize, SectorSize);
        fat.Fill(0xFF);
        SetFat(fat, 0, FatSector);
        SetFat(fat, 1, EndOfChain);

        Span<byte> directory = file.AsSpan(SectorSize * 2, SectorSize);
        // Siblings form a binary search tree ordered by name length, then name: chain them leftwards by that order.
        int[] order = Enumerable.Range(0, padded.Length)
            .OrderBy(i => padded[i].Name.Length).ThenBy(i => padded[i].Name.ToUpperInvariant(), StringComparer.Ordinal).ToArray();
        WriteEntry(directory[..128], "Root Entry", type: 5, left: NoStream, child: (uint)(order[^1] + 1), start: EndOfChain, size: 0);

        int sector = 2;
        for (int i = 0; i < padded.Length; i++)
        {
            int position = Array.IndexOf(order, i);
            uint left = position == 0 ? NoStream : (uint)(order[position - 1] + 1);
            int sectors = padded[i].Content.Length / SectorSize;
            WriteEntry(directory.Slice(128 * (i + 1), 128), padded[i].Name, type: 2, left, child: NoStream, start: (uint)sector, size: (uint)padded[i].Content.Length);
            for (int s = 0; s < sectors; s++)
            {
                SetFat(fat, sector + s, s == sectors - 1 ? EndOfChain : (uint)(sector + s + 1));
            }

            padded[i].Content.CopyTo(file.AsSpan(SectorSize * (1 + sector)));
            sector += sectors;
        }

        for (int unused = padded.Length + 1; unused < 4; unused++)
        {
            Span<byte> entry = directory.Slice(128 * unused, 128);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], NoStream);
        }

        return file;
    }

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
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], EndOfChain); // no mini FAT
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

    private static void SetFat(Span<byte> fat, int index, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(fat[(index * 4)..], value);

    private static int RoundUp(int length) => (length + SectorSize - 1) / SectorSize * SectorSize;

    private static byte[] Pad(byte[] content, int length)
    {
        var result = new byte[length];
        content.CopyTo(result, 0);
        return result;
    }
}
