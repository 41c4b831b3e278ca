using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Documents;

/// <summary>Hand-built records for builder tests: bands given in contract order, null for a blank cell.</summary>
internal static class RecordFactory
{
    public static readonly DateTime August2024 = new(2024, 8, 1);
    public static readonly DateTime December2024 = new(2024, 12, 1);

    /// <param name="bands">total, 0-1, 1-2, 2-4, 4-12, 12-18, 18-52, 52+ and, for a split month, 52-104 and 104+.</param>
    public static CommunityRecord Provider(
        string code,
        DateTime period,
        ServiceCategory category,
        string key,
        int?[] bands,
        DateTime? lastUpdated = null,
        string sourceFile = "/data/chs/august.xlsx",
        OrganisationType type = OrganisationType.Provider,
        string? name = null)
    {
        bool split = bands.Length == 10;
        return new CommunityRecord
        {
            Period = Month.Of(period),
            OrganisationType = type,
            OrganisationCode = code,
            OrganisationName = name ?? code + " NHS TRUST",
            Category = category,
            Service = $"({category}) {key}",
            ServiceKey = key,
            TotalWaiting = bands[0],
            Wait0To1Weeks = bands[1],
            Wait1To2Weeks = bands[2],
            Wait2To4Weeks = bands[3],
            Wait4To12Weeks = bands[4],
            Wait12To18Weeks = bands[5],
            Wait18To52Weeks = bands[6],
            Wait52PlusWeeks = bands[7],
            Wait52To104Weeks = split ? bands[8] : null,
            Wait104PlusWeeks = split ? bands[9] : null,
            HasSplit52Weeks = split,
            LastUpdated = lastUpdated ?? period.AddMonths(2).AddDays(10),
            SourceFile = sourceFile,
        };
    }
}
