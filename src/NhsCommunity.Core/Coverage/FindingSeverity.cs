namespace NhsCommunity.Coverage;

/// <summary>How much a finding matters: an Error fails the report (<see cref="CoverageReport.Passed"/>).</summary>
public enum FindingSeverity
{
    Info,
    Warning,
    Error,
}
