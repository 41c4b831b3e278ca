namespace NhsCommunity.Workbooks;

/// <summary>Which reader takes the cells out of an .xlsx. Legacy .xls always goes through ExcelDataReader.</summary>
public enum WorkbookEngine
{
    /// <summary>The streaming Open XML reader: an order of magnitude faster on the real, sparse 200-column sheets.</summary>
    Streaming,

    /// <summary>ExcelDataReader for every format: slower, kept as an independent second reader.</summary>
    ExcelDataReader,
}
