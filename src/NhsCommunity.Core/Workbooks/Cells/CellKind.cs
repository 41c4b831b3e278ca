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

    /// <summary>Content that does not fit the cell's type (t="inlineStr" without &lt;is&gt;, t="s" without an index); Text says how.</summary>
    Damaged,
}
