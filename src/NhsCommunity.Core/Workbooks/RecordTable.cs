using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Gathers the band sheets' counts by organisation and service, then turns them into records: one per
/// organisation × service with at least one count, in the order the sheets list them.
/// </summary>
internal sealed class RecordTable
{
    private const int Absent = -1;
    private static readonly int BandCount = BandCatalogue.All.Count;

    private readonly List<(OrganisationType Type, string Code, string Name)> _organisations = [];
    private readonly Dictionary<(OrganisationType, string), int> _organisationSlots = [];
    private readonly List<(ServiceDefinition Definition, string Header)> _services = [];
    private readonly Dictionary<(ServiceCategory, string), int> _serviceSlots = [];
    private readonly Dictionary<long, int[]> _counts = [];

    public int OrganisationSlot(OrganisationType type, string code, string name)
    {
        if (!_organisationSlots.TryGetValue((type, code), out int slot))
        {
            slot = _organisations.Count;
            _organisations.Add((type, code, name));
            _organisationSlots.Add((type, code), slot);
        }

        return slot;
    }

    public int ServiceSlot(ServiceDefinition definition, string header)
    {
        if (!_serviceSlots.TryGetValue((definition.Category, definition.Key), out int slot))
        {
            slot = _services.Count;
            _services.Add((definition, header));
            _serviceSlots.Add((definition.Category, definition.Key), slot);
        }

        return slot;
    }

    public void Set(int organisation, int service, WaitBand band, int count)
    {
        long key = ((long)organisation << 32) | (uint)service;
        if (!_counts.TryGetValue(key, out int[]? bands))
        {
            bands = new int[BandCount];
            Array.Fill(bands, Absent);
            _counts.Add(key, bands);
        }

        bands[(int)band] = count;
    }

    public List<CommunityRecord> ToRecords(DateTime period, bool split, DateTime? lastUpdated, string sourceFile)
    {
        var records = new List<CommunityRecord>(_counts.Count);
        for (int organisation = 0; organisation < _organisations.Count; organisation++)
        {
            (OrganisationType type, string code, string name) = _organisations[organisation];
            for (int service = 0; service < _services.Count; service++)
            {
                if (!_counts.TryGetValue(((long)organisation << 32) | (uint)service, out int[]? bands))
                {
                    continue;
                }

                int? Count(WaitBand band) => bands[(int)band] == Absent ? null : bands[(int)band];
                (ServiceDefinition definition, string header) = _services[service];
                int? over52To104 = split ? Count(WaitBand.Wait52To104Weeks) : null;
                int? over104 = split ? Count(WaitBand.Wait104PlusWeeks) : null;
                records.Add(new CommunityRecord
                {
                    Period = Month.Of(period),
                    OrganisationType = type,
                    OrganisationCode = code,
                    OrganisationName = name,
                    Category = definition.Category,
                    Service = header,
                    ServiceKey = definition.Key,
                    TotalWaiting = Count(WaitBand.Total),
                    Wait0To1Weeks = Count(WaitBand.Wait0To1Weeks),
                    Wait1To2Weeks = Count(WaitBand.Wait1To2Weeks),
                    Wait2To4Weeks = Count(WaitBand.Wait2To4Weeks),
                    Wait4To12Weeks = Count(WaitBand.Wait4To12Weeks),
                    Wait12To18Weeks = Count(WaitBand.Wait12To18Weeks),
                    Wait18To52Weeks = Count(WaitBand.Wait18To52Weeks),
                    Wait52PlusWeeks = split ? SumOfPresent(over52To104, over104) : Count(WaitBand.Wait52PlusWeeks),
                    Wait52To104Weeks = over52To104,
                    Wait104PlusWeeks = over104,
                    HasSplit52Weeks = split,
                    LastUpdated = lastUpdated,
                    SourceFile = sourceFile,
                });
            }
        }

        return records;
    }

    // Blank in both halves means nobody submitted the 52+ band; a blank half next to a count adds nothing.
    private static int? SumOfPresent(int? first, int? second) =>
        first is null && second is null ? null : (first ?? 0) + (second ?? 0);
}
