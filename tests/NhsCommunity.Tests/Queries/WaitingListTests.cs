using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Queries;
using NhsCommunity.Tests.Coverage;
using NhsCommunity.Workbooks;
using Npgsql;

namespace NhsCommunity.Tests.Queries;

/// <summary>Get-CommunityWaitingList's core on the fixture table backfilled from the real workbooks.</summary>
[Trait("Category", "Database")]
[Collection(CoverageDatabases.Name)]
public sealed class WaitingListTests
{
    private readonly RealBackfillFixture _fixture;

    public WaitingListTests(RealBackfillFixture fixture) => _fixture = fixture;

    private NpgsqlConnection Open()
    {
        Skip.IfNot(RealBackfillFixture.Available, RealBackfillFixture.UnavailableReason);
        var connection = new NpgsqlConnection(_fixture.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The provider records that were written to the table, as the workbooks have them.</summary>
    private IEnumerable<CommunityRecord> WrittenRecords()
    {
        var written = _fixture.Written.Select(d => (d.TrustCode, d.Period)).ToHashSet();
        return _fixture.Records.Where(r => r.OrganisationType == OrganisationType.Provider && written.Contains((r.OrganisationCode, r.Period)));
    }

    [SkippableFact]
    public void Adult_services_with_over_5000_waiting_are_the_workbook_cells_over_5000()
    {
        using NpgsqlConnection connection = Open();
        WaitingListRow[] rows = WaitingListReader.Read(connection, new WaitingListQuery { Category = ServiceCategory.Adult, MinTotalWaiting = 5001 }).ToArray();
        string[] expected = WrittenRecords()
            .Where(r => r.Category == ServiceCategory.Adult && r.TotalWaiting > 5000)
            .Select(r => $"{r.OrganisationCode} {r.Period:yyyy-MM} {r.ServiceKey} {r.TotalWaiting} {r.Wait52PlusWeeks}")
            .Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, rows.Select(r => $"{r.TrustCode} {r.Period:yyyy-MM} {r.ServiceKey} {r.TotalWaiting} {r.Wait52PlusWeeks}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(ServiceCategory.Adult, r.Category));
    }

    [SkippableFact]
    public void Every_row_carries_every_band_of_its_cell()
    {
        using NpgsqlConnection connection = Open();
        var byKey = WrittenRecords().ToDictionary(r => (r.OrganisationCode, r.Period, r.Category, r.ServiceKey));
        WaitingListRow[] rows = WaitingListReader.Read(connection, new WaitingListQuery { Scope = new CoverageScope { TrustCodes = ["RGT", "r0a"] } }).ToArray();
        Assert.Equal(byKey.Keys.Count(k => k.OrganisationCode is "RGT" or "R0A"), rows.Length);
        foreach (WaitingListRow row in rows)
        {
            CommunityRecord cell = byKey[(row.TrustCode, row.Period, row.Category, row.ServiceKey)];
            Assert.Equal(cell.TotalWaiting, (int?)row.TotalWaiting);
            Assert.Equal(cell.Wait0To1Weeks, (int?)row.Wait0To1Weeks);
            Assert.Equal(cell.Wait18To52Weeks, (int?)row.Wait18To52Weeks);
            Assert.Equal(cell.Wait52PlusWeeks, (int?)row.Wait52PlusWeeks);
            Assert.Equal(cell.Wait104PlusWeeks, (int?)row.Wait104PlusWeeks);
        }
    }

    [SkippableFact]
    public void An_icb_roll_up_equals_the_sum_of_its_trusts()
    {
        using NpgsqlConnection connection = Open();
        WaitingListRow[] rows = WaitingListReader.Read(connection, new WaitingListQuery()).ToArray();
        WaitingListSummary[] groups = WaitingListReader.ReadGrouped(connection, new WaitingListQuery { GroupBy = [WaitingListGrouping.Icb, WaitingListGrouping.Period] }).ToArray();
        var expected = rows.GroupBy(r => (Icb: r.IcbCode!, r.Period)).ToDictionary(g => g.Key);
        Assert.Equal(expected.Count, groups.Length);
        foreach (WaitingListSummary group in groups)
        {
            var members = expected[(group.IcbCode!, group.Period!.Value)];
            Assert.Equal(members.Sum(r => r.TotalWaiting ?? 0), group.TotalWaiting);
            Assert.Equal(members.Sum(r => r.Wait52PlusWeeks ?? 0), group.Wait52PlusWeeks);
            Assert.Equal(members.LongCount(), group.Rows);
            Assert.Equal(members.Select(r => r.TrustCode).Distinct().LongCount(), group.Trusts);
            Assert.Null(group.TrustCode);
        }
    }

    [SkippableFact]
    public void Filters_are_applied_together()
    {
        using NpgsqlConnection connection = Open();
        DateTime january = new(2025, 1, 1);
        var query = new WaitingListQuery { Periods = [january.AddDays(9)], Services = ["audiology", "podiatry"], Min52PlusWeeks = 1, Category = ServiceCategory.Adult };
        WaitingListRow[] rows = WaitingListReader.Read(connection, query).ToArray();
        string[] expected = WrittenRecords()
            .Where(r => r.Period == january && r.Category == ServiceCategory.Adult && r.ServiceKey is "audiology" or "podiatry" && r.Wait52PlusWeeks >= 1)
            .Select(r => r.OrganisationCode + " " + r.ServiceKey).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, rows.Select(r => r.TrustCode + " " + r.ServiceKey).Order(StringComparer.Ordinal));
    }
}
