using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Mapping;

/// <summary>
/// Lines up the providers in the workbooks with the trusts in trust_metrics: one entry per provider code,
/// plus one for each database trust no workbook reports. Records are added as they stream in; the
/// database's trusts are needed only at the end.
/// </summary>
public sealed class TrustMapper
{
    // Code -> period -> name printed that month.
    private readonly Dictionary<string, SortedDictionary<DateTime, string>> _providers = new(StringComparer.Ordinal);

    /// <summary>Adds a record; returns false (and ignores it) for National, Region and ICB records.</summary>
    public bool Add(CommunityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.OrganisationType != OrganisationType.Provider)
        {
            return false;
        }

        string code = TrustCodes.Normalise(record.OrganisationCode);
        if (!_providers.TryGetValue(code, out var periods))
        {
            periods = [];
            _providers.Add(code, periods);
        }

        var period = record.Period.ToDateTime();
        string name = (record.OrganisationName ?? "").Trim();

        // Several records per month (one per service) carry the same name; keep the ordinal first for a stable result.
        if (!periods.TryGetValue(period, out string? existing) || string.CompareOrdinal(name, existing) < 0)
        {
            periods[period] = name;
        }

        return true;
    }

    public void AddRange(IEnumerable<CommunityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (CommunityRecord record in records)
        {
            Add(record);
        }
    }

    /// <summary>The entries, sorted by code. A database code listed twice keeps its first name.</summary>
    public IReadOnlyList<TrustMappingEntry> Map(IEnumerable<KnownTrust> databaseTrusts)
    {
        ArgumentNullException.ThrowIfNull(databaseTrusts);
        var database = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KnownTrust trust in databaseTrusts)
        {
            database.TryAdd(TrustCodes.Normalise(trust.Code), trust.Name.Trim());
        }

        var entries = new List<TrustMappingEntry>();
        foreach (var (code, periods) in _providers)
        {
            string workbookName = periods.Values.Last();
            bool nhs = TrustCodes.IsNhsTrust(code);
            bool inDatabase = database.TryGetValue(code, out string? databaseName);
            string difference = inDatabase ? TrustNames.Describe(workbookName, databaseName) : "";
            entries.Add(new TrustMappingEntry
            {
                TrustCode = code,
                Status = !nhs ? TrustMappingStatus.NonNhsProvider
                    : inDatabase ? TrustMappingStatus.Matched
                    : TrustMappingStatus.NhsTrustNotInDatabase,
                WorkbookName = workbookName,
                DatabaseName = databaseName ?? "",
                IsNhsTrust = nhs,
                NameDiffers = difference.Length > 0,
                NameDifference = difference,
                PeriodDates = periods.Keys.ToArray(),
            });
        }

        foreach (var (code, name) in database)
        {
            if (!_providers.ContainsKey(code))
            {
                entries.Add(new TrustMappingEntry
                {
                    TrustCode = code,
                    Status = TrustMappingStatus.InDatabaseNotInWorkbooks,
                    DatabaseName = name,
                    IsNhsTrust = TrustCodes.IsNhsTrust(code),
                });
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.TrustCode, b.TrustCode));
        return entries;
    }

    /// <summary>Reads the database's trusts through <paramref name="directory"/>, then maps.</summary>
    public async Task<IReadOnlyList<TrustMappingEntry>> MapAsync(ITrustDirectory directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Map(await directory.GetTrustsAsync(cancellationToken).ConfigureAwait(false));
    }
}
