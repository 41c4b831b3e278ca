namespace NhsCommunity.Workbooks;

/// <summary>
/// A file that cannot be read as a CHS waiting list workbook. Carries where (file, sheet, cell) and a
/// stable error id so the cmdlet can raise an ErrorRecord people can catch.
/// </summary>
public sealed class WorkbookFormatException : Exception
{
    public WorkbookFormatException(string errorId, string file, string message, string? sheet = null, string? cell = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        File = file;
        Sheet = sheet;
        Cell = cell;
    }

    /// <summary>PascalCase, stable: part of the public API through FullyQualifiedErrorId.</summary>
    public string ErrorId { get; }

    public string File { get; }

    public string? Sheet { get; }

    /// <summary>An A1 reference, where the problem is one cell.</summary>
    public string? Cell { get; }
}
