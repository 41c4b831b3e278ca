namespace NhsCommunity.Workbooks.Cells;

/// <summary>What a non-empty cell holds, as the file stores it (before any meaning is given to it).</summary>
internal enum CellKind
{
    Number,
    Text,

    /// <summary>A date: typed as one (t="d"), or a number shown with a date format. Number holds the OLE date.</summary>
    Date,

    /// <summary>An error value (t="e"): "#N/A", "#DIV/0!"; Text holds it.</summary>
    Error,

    /// <summary>A formula whose result was never saved (the file was written without calculating it).</summary>
    FormulaWithoutValue,
}
