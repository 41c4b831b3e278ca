namespace NhsCommunity.Database;

/// <summary>
/// The database has no trust_metrics table, or not the column to write, or the column is not jsonb: found
/// before anything was created or changed, so that database is left exactly as it was.
/// </summary>
public sealed class TrustMetricsSchemaException : InvalidOperationException
{
    public const string TableNotFound = "TableNotFound";
    public const string ColumnNotFound = "ColumnNotFound";
    public const string ColumnNotJsonb = "ColumnNotJsonb";

    public TrustMetricsSchemaException(string problem, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
    }

    /// <summary><see cref="TableNotFound"/>, <see cref="ColumnNotFound"/> or <see cref="ColumnNotJsonb"/>: the end of the cmdlets' error id.</summary>
    public string Problem { get; }
}
