namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// Reads cells out of a workbook file, with no idea of what they mean. Two implementations: the streaming
/// Open XML reader (the fast path for .xlsx) and ExcelDataReader (legacy .xls, and a second opinion in tests).
/// </summary>
internal interface ICellSource : IDisposable
{
    /// <summary>Sheet names in workbook order.</summary>
    IReadOnlyList<string> SheetNames { get; }

    /// <summary>The sheet's title row text, reading no more of the sheet than it must.</summary>
    string? ReadTitle(int sheetIndex, CancellationToken cancellationToken);

    /// <summary>Every non-empty cell of the given sheets, in the order asked.</summary>
    IReadOnlyList<SheetGrid> ReadSheets(IReadOnlyList<int> sheetIndexes, CancellationToken cancellationToken);
}
