using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Coverage;

/// <summary>One workbook cell, for the SourceMismatch check: a band of a provider's service in a month (null = blank).</summary>
public sealed record SourceCell(string TrustCode, DateTime Period, ServiceCategory Category, string ServiceKey, string BandKey, decimal? Value)
{
    public string CategoryJsonKey => Category == ServiceCategory.Adult ? "adult_services" : "cyp_services";

    /// <summary>Every band of every provider record (other levels are not stored per trust).</summary>
    public static IEnumerable<SourceCell> FromRecords(IEnumerable<CommunityRecord> records)
    {
        foreach (CommunityRecord record in records)
        {
            if (record.OrganisationType != OrganisationType.Provider || record.OrganisationCode.Length == 0)
            {
                continue;
            }

            foreach (BandDefinition band in BandCatalogue.All)
            {
                yield return new SourceCell(
                    record.OrganisationCode.Trim().ToUpperInvariant(),
                    record.Period.ToDateTime(),
                    record.Category,
                    record.ServiceKey,
                    band.JsonKey,
                    record[band.Band]);
            }
        }
    }
}
