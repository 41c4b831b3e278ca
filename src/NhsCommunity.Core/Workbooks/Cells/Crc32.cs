using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// The zip CRC-32 (reflected polynomial 0xEDB88320), sliced by eight so checking a workbook's few MB of parts
/// costs a few milliseconds. Zip readers of the runtime do not compare it, so a flipped byte inside deflated
/// data would otherwise be read as different cells.
/// Where the runtime's own zlib is there (its compression library, which ZipArchive uses to write entries), its
/// crc32 does the work: it uses the processor's carry-less multiply and checks the ~90 MB of sheet XML of a year
/// of workbooks several times faster than the table. The table remains for any runtime without it, and the tests
/// hold the two to the same results.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private static bool _nativeMissing;

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return crc;
        }

        if (!_nativeMissing)
        {
            try
            {
                return ZlibCrc32(crc, ref MemoryMarshal.GetReference(data), data.Length);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _nativeMissing = true;
            }
        }

        return AppendWithTable(crc, data);
    }

    /// <summary>The same checksum from the table alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static uint AppendWithTable(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        crc = ~crc;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (one & 0xFF)] ^ t[(6 * 256) + ((one >> 8) & 0xFF)] ^ t[(5 * 256) + ((one >> 16) & 0xFF)] ^ t[(4 * 256) + (one >> 24)]
                ^ t[(3 * 256) + (two & 0xFF)] ^ t[(2 * 256) + ((two >> 8) & 0xFF)] ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>zlib's crc32(crc, buffer, length) as the runtime exports it; found next to the runtime's own assemblies.</summary>
    [DllImport("libSystem.IO.Compression.Native", EntryPoint = "CompressionNative_Crc32", ExactSpelling = true)]
#pragma warning disable SYSLIB1054 // Blittable arguments: the classic marshalling adds nothing, and LibraryImport would need unsafe code.
    private static extern uint ZlibCrc32(uint crc, ref byte buffer, int length);
#pragma warning restore SYSLIB1054

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
