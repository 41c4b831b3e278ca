namespace NhsCommunity.Shell;

/// <summary>How one command line (or script) ended.</summary>
internal enum ExecutionOutcome
{
    /// <summary>It ran to the end (and, where tracked, its last statement succeeded).</summary>
    Succeeded,

    /// <summary>It ran to the end but its last command failed ($? false), e.g. after a non-terminating error.</summary>
    Failed,

    /// <summary>A terminating error (throw, -ErrorAction Stop, a parse error) ended it.</summary>
    Terminated,

    /// <summary>Ctrl+C stopped it.</summary>
    Stopped,
}
