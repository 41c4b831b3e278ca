using System.Globalization;
using System.IO.Compression;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// A zip part as it inflates, counting the bytes: the declared size and ratio are checked before inflating,
/// and the counted ones on every read, so a part that lies in its header is stopped just the same. Read to its end,
/// the part's CRC-32 must equal the one the zip directory records: damaged deflated bytes can still inflate.
/// </summary>
internal sealed class InflatedPart : Stream
{
    private readonly Stream _inner;
    private readonly WorkbookLimits _limits;
    private readonly string _file;
    private readonly string _where;
    private readonly string? _sheet;
    private readonly long _compressed;
    private readonly uint _expectedCrc;
    private uint _crc;
    private long _count;

    /// <summary>Opens <paramref name="entry"/>; <paramref name="where"/> names it in errors ("sheet 'Table 4'").</summary>
    public InflatedPart(ZipArchiveEntry entry, WorkbookLimits limits, string file, string where, string? sheet)
    {
        _limits = limits;
        _file = file;
        _where = where;
        _sheet = sheet;
        _compressed = entry.CompressedLength;
        _expectedCrc = entry.Crc32;
        Check(entry.Length, "declares");
        _inner = entry.Open();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _count; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        if (read == 0)
        {
            if (_crc != _expectedCrc && buffer.Length > 0)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"its CRC-32 is {_crc:X8} where the zip directory records {_expectedCrc:X8}: bytes of the part were changed"));
            }

            return 0;
        }

        _count += read;
        Check(_count, "inflates to more than");
        _crc = Crc32.Append(_crc, buffer[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check(long inflated, string verb)
    {
        bool tooLarge = inflated > _limits.MaxPartBytes;
        bool tooDense = inflated > _limits.RatioFloorBytes && inflated > _limits.MaxRatio * Math.Max(1, _compressed);
        if (!tooLarge && !tooDense)
        {
            return;
        }

        string size = string.Create(CultureInfo.InvariantCulture, $"{inflated / 1048576.0:F1} MB");
        string reason = tooLarge
            ? string.Create(CultureInfo.InvariantCulture, $"{verb} {size} when inflated, over the {_limits.MaxPartBytes / 1048576.0:0.##} MB a part may have")
            : string.Create(CultureInfo.InvariantCulture, $"{verb} {size} from {_compressed:N0} compressed bytes, over {_limits.MaxRatio} to 1");
        throw new WorkbookFormatException(
            WorkbookErrorIds.TooLarge,
            _file,
            $"'{_file}', {_where}: the part {reason}. A real CHS workbook is a few MB; this file is damaged or crafted (a zip bomb), and was not read. Download the workbook from NHS England again.",
            _sheet);
    }
}
