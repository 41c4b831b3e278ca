using System.Globalization;

namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// The whole file, read once through one handle: every sheet is then read from these bytes, so a file replaced
/// while it is read (an atomic move, as sync tools do) is read whole as it was when opened, never mixed.
/// </summary>
internal static class WorkbookSnapshot
{
    public static byte[] Read(string file, WorkbookLimits limits)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        long length = stream.Length;
        if (length > limits.MaxFileBytes)
        {
            throw new WorkbookFormatException(
                WorkbookErrorIds.TooLarge,
                file,
                string.Create(CultureInfo.InvariantCulture, $"'{file}' is {length / 1048576.0:F0} MB, over the {limits.MaxFileBytes / 1048576.0:0.##} MB a workbook may be (the published ones are a few MB), and was not read. Check that it is the CHS waiting list workbook."));
        }

        var bytes = new byte[length];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }
}
