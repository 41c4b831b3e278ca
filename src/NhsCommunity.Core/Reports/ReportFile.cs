namespace NhsCommunity.Reports;

/// <summary>One file Export-CommunityReport wrote (or, declined by -Confirm or -WhatIf, did not: <see cref="Written"/> false, 0 bytes).</summary>
public sealed record ReportFile(ReportFileKind Kind, string Name, string Path, long Bytes, string Description, bool Written);
