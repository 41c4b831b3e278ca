namespace NhsCommunity.Workbooks.Cells;

/// <summary>
/// How big a workbook and its parts may be. The published workbooks are 1.2-1.5 MB, with sheet parts of
/// about 0.9 MB that deflate about 10 to 1; the caps leave room for fifty times that, and stop a crafted
/// file (a zip bomb) long before it can take the process's memory.
/// </summary>
internal sealed record WorkbookLimits
{
    public static WorkbookLimits Default { get; } = new();

    /// <summary>The file is read into memory once, whole, so its size is capped.</summary>
    public long MaxFileBytes { get; init; } = 128L << 20;

    /// <summary>Inflated bytes of any one part, declared or counted while inflating.</summary>
    public long MaxPartBytes { get; init; } = 64L << 20;

    /// <summary>Inflated bytes per compressed byte, for parts large enough for the ratio to mean something.</summary>
    public int MaxRatio { get; init; } = 100;

    /// <summary>Below this many inflated bytes a part's ratio is not checked (tiny parts compress oddly).</summary>
    public long RatioFloorBytes { get; init; } = 1L << 20;
}
