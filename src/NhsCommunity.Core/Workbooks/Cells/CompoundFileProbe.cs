using System.Buffers.Binary;
using System.Text;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Looks inside an OLE compound file (the container of legacy .xls, and of password-protected .xlsx) for the
/// streams that mark encryption, so an encrypted workbook is named as such rather than as "corrupt".
/// Reads only the header, the FAT and the directory: enough to list stream names.
/// </summary>
internal static class CompoundFileProbe
{
    public static ReadOnlySpan<byte> Signature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private const uint EndOfChain = 0xFFFFFFFE;
    private const int DirectoryEntrySize = 128;

    /// <summary>True when the container holds an EncryptionInfo or EncryptedPackage stream (Office encryption).</summary>
    public static bool IsEncrypted(Stream file)
    {
        foreach (string name in StreamNames(file))
        {
            if (name.Equals("EncryptionInfo", StringComparison.OrdinalIgnoreCase) || name.Equals("EncryptedPackage", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names of the directory entries; stops quietly at anything malformed (ExcelDataReader will say more).</summary>
    public static IReadOnlyList<string> StreamNames(Stream file)
    {
        var names = new List<string>();
        var header = new byte[512];
        file.Position = 0;
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan(0, 8).SequenceEqual(Signature))
        {
            return names;
        }

        int sectorShift = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x1E));
        if (sectorShift is not (9 or 12))
        {
            return names;
        }

        int sectorSize = 1 << sectorShift;
        uint fatSectors = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x2C));
        uint directorySector = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x30));

        // The first 109 FAT sectors are listed in the header, which covers files up to several megabytes of directory chain.
        var fat = new List<uint>();
        for (int i = 0; i < Math.Min(fatSectors, 109u); i++)
        {
            uint sector = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x4C + (i * 4)));
            byte[]? data = ReadSector(file, sector, sectorSize);
            if (data is null)
            {
                return names;
            }

            for (int offset = 0; offset < sectorSize; offset += 4)
            {
                fat.Add(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset)));
            }
        }

        var visited = new HashSet<uint>();
        for (uint sector = directorySector; sector != EndOfChain && sector < fat.Count && visited.Add(sector); sector = fat[(int)sector])
        {
            byte[]? data = ReadSector(file, sector, sectorSize);
            if (data is null)
            {
                break;
            }

            for (int offset = 0; offset + DirectoryEntrySize <= sectorSize; offset += DirectoryEntrySize)
            {
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + 64));
                if (nameLength is >= 2 and <= 64)
                {
                    names.Add(Encoding.Unicode.GetString(data, offset, nameLength - 2));
                }
            }
        }

        return names;
    }

    private static byte[]? ReadSector(Stream file, uint sector, int sectorSize)
    {
        long position = (sector + 1L) * sectorSize;
        if (position + sectorSize > file.Length)
        {
            return null;
        }

        var data = new byte[sectorSize];
        file.Position = position;
        return file.ReadAtLeast(data, sectorSize, throwOnEndOfStream: false) == sectorSize ? data : null;
    }
}
