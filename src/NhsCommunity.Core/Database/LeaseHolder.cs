using System.Globalization;

namespace NhsCommunity.Database;

/// <summary>The run that holds the backfill lease of a database, as its row says.</summary>
internal sealed record LeaseHolder(Guid RunId, string Holder, DateTime AcquiredAt, DateTime ExpiresAt)
{
    /// <summary>"run &lt;id&gt;, started &lt;time&gt; UTC by &lt;holder&gt;".</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"run {RunId}, started {AcquiredAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC by {Holder}");
}
