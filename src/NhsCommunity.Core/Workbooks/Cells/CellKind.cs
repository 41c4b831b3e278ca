namespace NhsCommunity.Workbooks.Cells;

/// <summary>What a non-empty cell holds, as the file stores it (before any meaning is given to it).</summary>
internal enum CellKind
{
    Number,
    Text,

    /// <summary>Only ExcelDataReader reports dates (it applies the number format); the XML reader sees numbers.</summary>
    Date,
}
