namespace NhsCommunity.Reports;

/// <summary>One file Export-CommunityReport wrote (or, with -WhatIf, would have written).</summary>
public sealed record ReportFile(string Name, string Path, string Description, long Length, bool Written);
