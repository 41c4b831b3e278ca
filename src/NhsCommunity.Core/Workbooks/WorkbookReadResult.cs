namespace NhsCommunity.Workbooks;

/// <summary>One file of <see cref="WorkbookImporter.ReadAll"/>: its content, or the error that stopped it; and how long it took.</summary>
public sealed record WorkbookReadResult(string File, WorkbookContent? Content, WorkbookFormatException? Error, TimeSpan Elapsed);
