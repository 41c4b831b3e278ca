using NhsCommunity.Database;
using NhsCommunity.Tests.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Api;

/// <summary>
/// One small backfilled database for the API tests: six synthetic trusts (R01-R06, ICBs Q01-Q06) with
/// community_data for August to October 2024, each document one adult audiology service. Made on first use.
/// </summary>
public sealed class ApiDatabase
{
    private readonly Lazy<string> _connectionString = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static readonly string[] TrustCodes = ["R01", "R02", "R03", "R04", "R05", "R06"];

    public string ConnectionString
    {
        get
        {
            Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
            return _connectionString.Value;
        }
    }

    private static string Create()
    {
        var backfill = new SyntheticBackfill("api", trusts: TrustCodes.Length);
        backfill.WriteAsync(new TrustMetricsWriteOptions(), SyntheticBackfill.Months.Select(m => (m, backfill.Documents(m))))
            .GetAwaiter().GetResult();
        return backfill.ConnectionString;
    }
}
