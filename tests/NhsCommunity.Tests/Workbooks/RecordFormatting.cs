using System.Globalization;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Workbooks;

/// <summary>Records as one line each, so whole lists compare with a readable difference.</summary>
internal static class RecordFormatting
{
    public static string Describe(CommunityRecord r) => string.Join('|',
        r.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.OrganisationType, r.OrganisationCode, r.OrganisationName,
        r.Category, r.Service, r.ServiceKey, r.TotalWaiting, r.Wait0To1Weeks, r.Wait1To2Weeks, r.Wait2To4Weeks, r.Wait4To12Weeks,
        r.Wait12To18Weeks, r.Wait18To52Weeks, r.Wait52PlusWeeks, r.Wait52To104Weeks, r.Wait104PlusWeeks, r.HasSplit52Weeks,
        r.LastUpdated?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.SourceFile);

    public static string[] Describe(IEnumerable<CommunityRecord> records) => records.Select(Describe).ToArray();
}
