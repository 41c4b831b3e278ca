using System.Text;
using System.Xml;
using ExcelDataReader.Exceptions;
using NhsCommunity.Workbooks.Cells;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Reads a CHS waiting list workbook (.xlsx, or legacy .xls) into records of every level: National, Region,
/// ICB and Provider. Anything that is not a readable CHS workbook raises a <see cref="WorkbookFormatException"/>
/// that names the file, the sheet and cell where it applies, and what to do.
/// </summary>
public sealed class WorkbookImporter
{
    private static ReadOnlySpan<byte> ZipSignature => "PK"u8;

    public WorkbookImporter(WorkbookEngine engine = WorkbookEngine.Streaming)
    {
        Engine = engine;
    }

    public WorkbookEngine Engine { get; }

    public WorkbookContent Read(string path, CancellationToken cancellationToken = default) => Read(path, null, cancellationToken);

    /// <summary>
    /// Reads the workbook and gives the SHA-256 (upper-case hex) of the very bytes it parsed, so that a ledger
    /// records what was loaded even when the file was replaced after it was first hashed.
    /// </summary>
    public WorkbookContent Read(string path, out string sha256, CancellationToken cancellationToken = default)
    {
        string? hash = null;
        WorkbookContent content = Read(path, bytes => hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)), cancellationToken);
        sha256 = hash!;
        return content;
    }

    private WorkbookContent Read(string path, Action<byte[]>? snapshotTaken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string file = Path.GetFullPath(path);
        try
        {
            using ICellSource source = Open(file, snapshotTaken, cancellationToken);
            return WorkbookParser.Parse(file, source, cancellationToken, AfterTitle);
        }
        catch (Exception e) when (Translate(file, e) is WorkbookFormatException problem)
        {
            throw problem;
        }
    }

    /// <summary>
    /// Reads <paramref name="files"/> and gives their results in the same order, each as soon as it and those
    /// before it are read. The next files are read meanwhile on other threads (as many as there are cores, up to
    /// four ahead), so a consumer that works through one file's records keeps every core busy; only that window
    /// of files is held, so memory does not grow with the number of files. A file that cannot be read is a result
    /// with its error, and the files after it are still read. Stopping early (or cancelling) waits for the files
    /// already started, so nothing is left reading.
    /// </summary>
    public IEnumerable<WorkbookReadResult> ReadAll(IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        int window = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var reading = new Queue<Task<WorkbookReadResult>>(window);
        int next = 0;
        try
        {
            while (next < files.Count || reading.Count > 0)
            {
                while (next < files.Count && reading.Count < window)
                {
                    string file = files[next++];
                    reading.Enqueue(Task.Run(() => ReadOne(file, cancellationToken), cancellationToken));
                }

                WorkbookReadResult read = reading.Dequeue().GetAwaiter().GetResult();
                FreedNativeMemory.Release();
                yield return read;
            }
        }
        finally
        {
            foreach (Task<WorkbookReadResult> started in reading)
            {
                // Its outcome no longer matters (the consumer stopped); only that it has finished.
                ((IAsyncResult)started).AsyncWaitHandle.WaitOne();
            }
        }
    }

    private WorkbookReadResult ReadOne(string file, CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            WorkbookContent content = Read(file, cancellationToken);
            return new WorkbookReadResult(file, content, null, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (WorkbookFormatException e)
        {
            return new WorkbookReadResult(file, null, e, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Test hook: called with each sheet's name as its title is read, so a test can replace the file mid-read.</summary>
    internal Action<string>? AfterTitle { get; init; }

    internal WorkbookLimits Limits { get; init; } = WorkbookLimits.Default;

    private ICellSource Open(string file, Action<byte[]>? snapshotTaken, CancellationToken cancellationToken)
    {
        // One read of the whole file: every sheet comes from this snapshot, whatever happens to the path meanwhile.
        byte[] bytes = WorkbookSnapshot.Read(file, Limits);
        snapshotTaken?.Invoke(bytes);
        ReadOnlySpan<byte> head = bytes.AsSpan(0, Math.Min(8, bytes.Length));
        if (head.Length >= 4 && head.StartsWith(ZipSignature))
        {
            return Engine == WorkbookEngine.Streaming
                ? new OpenXmlCellSource(file, bytes, Limits)
                : new ExcelDataReaderCellSource(new MemoryStream(bytes, writable: false), cancellationToken);
        }

        if (head.Length == 8 && head.SequenceEqual(CompoundFileProbe.Signature))
        {
            using var probe = new MemoryStream(bytes, writable: false);
            if (CompoundFileProbe.IsEncrypted(probe))
            {
                throw PasswordProtected(file, null);
            }

            return new ExcelDataReaderCellSource(new MemoryStream(bytes, writable: false), cancellationToken);
        }

        string looksLike = head.Length == 0 ? "it is empty" : LooksLikeText(head) ? "it looks like a text file (a CSV, or a web page saved in place of the download?)" : "its content is not a spreadsheet format";
        throw new WorkbookFormatException(
            WorkbookErrorIds.NotAWorkbook,
            file,
            $"'{file}' is not an Excel workbook: {looksLike}. Download the .xlsx from NHS England again.");
    }

    /// <summary>Library and I/O exceptions become workbook errors that say what went wrong in the user's terms.</summary>
    private static WorkbookFormatException? Translate(string file, Exception error) => error switch
    {
        WorkbookFormatException => null,
        OperationCanceledException => null,
        InvalidPasswordException => PasswordProtected(file, error),
        InvalidDataException or XmlException or EndOfStreamException or ExcelReaderException or FormatException or OverflowException =>
            new WorkbookFormatException(
                WorkbookErrorIds.Corrupt,
                file,
                $"'{file}' is damaged and cannot be read ({error.Message}). It may be a partial download: download it again.",
                inner: error),
        FileNotFoundException or DirectoryNotFoundException =>
            new WorkbookFormatException(WorkbookErrorIds.Unreadable, file, $"'{file}' does not exist. Check the path.", inner: error),
        UnauthorizedAccessException or IOException =>
            new WorkbookFormatException(
                WorkbookErrorIds.Unreadable,
                file,
                $"'{file}' cannot be opened ({error.Message}). Close it in any program that has it open, check you may read it, and try again.",
                inner: error),
        _ => null,
    };

    private static WorkbookFormatException PasswordProtected(string file, Exception? inner) =>
        new(
            WorkbookErrorIds.PasswordProtected,
            file,
            $"'{file}' is protected with a password. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), save, and import it again; or use the unprotected original from NHS England.",
            inner: inner);

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
        {
            if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B))
            {
                return false;
            }
        }

        return Encoding.UTF8.GetCharCount(head) > 0;
    }
}
