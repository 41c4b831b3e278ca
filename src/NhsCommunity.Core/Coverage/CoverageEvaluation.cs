namespace NhsCommunity.Coverage;

/// <summary>How a coverage report is worked out; every way gives the same report.</summary>
public enum CoverageEvaluation
{
    /// <summary>
    /// <see cref="PlainDocumentsInClient"/> when the server is on this machine, <see cref="SqlOnly"/> otherwise: the
    /// client's way reads every document once (about 6 KB a trust a month), which costs little locally but more than
    /// the server's own work over a network.
    /// </summary>
    Auto,

    /// <summary>
    /// The client reads the documents once and sums up the plain ones itself (<see cref="PlainDocumentReader"/>); the
    /// SQL reads only the others and runs every check.
    /// </summary>
    PlainDocumentsInClient,

    /// <summary>Everything in one SQL statement, exactly as the report prints it.</summary>
    SqlOnly,
}
