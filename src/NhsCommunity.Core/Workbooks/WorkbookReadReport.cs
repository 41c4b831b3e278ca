using System.Globalization;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>
/// The one line a cmdlet writes to its verbose stream per workbook read: which file, which month, which
/// sheets, how many records and how long it took, so -Verbose shows what was read without opening it.
/// </summary>
public static class WorkbookReadReport
{
    /// <summary>"Read '&lt;file&gt;': 2025-07, 4352 records from 10 band sheets (Table 4, Table 4a, ...), 85 ms."</summary>
    public static string Describe(WorkbookContent content, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(content);
        string sheets = string.Join(", ", content.BandSheets.OrderBy(s => s.Key).Select(s => s.Value));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Read '{content.SourceFile}': {MonthText.Of(content.Period)}, {content.Records.Count} records from {content.BandSheets.Count} band sheets ({sheets}) of {content.SheetNames.Count}, {elapsed.TotalMilliseconds:0} ms.");
    }
}
