using System.Globalization;
using NhsCommunity.Catalogue;
using NhsCommunity.Mapping;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Documents;

/// <summary>
/// Groups provider records into one community_data document per trust and month.
/// </summary>
/// <remarks>
/// <para>Editions: a month may arrive from more than one workbook (a revised edition beside the
/// original). The month is taken whole from the edition with the latest publication date
/// (<see cref="CommunityRecord.LastUpdated"/>; the Cover page's revision date where revised), so a
/// revision that blanks a service really removes it, and every document of a month names one source
/// file. Earlier editions are reported in <see cref="CommunityDocumentBatch.SupersededEditions"/>. Two
/// different workbooks with the same latest date are a conflict: identical content is harmless (the
/// same workbook under two names; the ordinally first file name is kept), different content leaves
/// the month out with a <see cref="DocumentProblemKind.ConflictingEditions"/> problem rather than
/// guessing.</para>
/// <para>The output depends only on the set of records, never on their order: every grouping is
/// sorted ordinally before anything is written.</para>
/// </remarks>
public sealed class CommunityDocumentBuilder
{
    private readonly bool _includeNonNhs;

    // Period -> edition -> records, kept as they come; everything is sorted at Build time. Plain lists of
    // classes rather than dictionaries keyed by value types: a year has a dozen periods, and generic code over
    // value types is compiled on first use in every new process (it cannot be precompiled with the module).
    private readonly List<PeriodRecords> _periods = [];
    private EditionRecords? _last;

    /// <param name="includeNonNhs">Also build documents for providers whose code is not an NHS trust's (<see cref="TrustCodes"/>).</param>
    public CommunityDocumentBuilder(bool includeNonNhs = false)
    {
        _includeNonNhs = includeNonNhs;
    }

    public RecordDisposition Add(CommunityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.OrganisationType != OrganisationType.Provider)
        {
            return RecordDisposition.NotProvider;
        }

        if (!_includeNonNhs && !TrustCodes.IsNhsTrust(record.OrganisationCode))
        {
            return RecordDisposition.NotNhsTrust;
        }

        DateTime period = MonthOf(record.Period);
        var edition = new Edition(record.LastUpdated?.Date, record.SourceFile ?? "");

        // Records come file by file: the previous record's edition is nearly always this one's.
        if (_last is null || _last.Period != period || _last.Edition != edition)
        {
            _last = EditionOf(period, edition);
        }

        _last.Records.Add(record);
        return RecordDisposition.Accepted;
    }

    private EditionRecords EditionOf(DateTime period, Edition edition)
    {
        PeriodRecords? month = _periods.Find(p => p.Period == period);
        if (month is null)
        {
            month = new PeriodRecords(period);
            _periods.Add(month);
        }

        EditionRecords? records = month.Editions.Find(e => e.Edition == edition);
        if (records is null)
        {
            records = new EditionRecords(period, edition);
            month.Editions.Add(records);
        }

        return records;
    }

    public void AddRange(IEnumerable<CommunityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (CommunityRecord record in records)
        {
            Add(record);
        }
    }

    /// <summary>Builds every document from the records added so far.</summary>
    public CommunityDocumentBatch Build(CancellationToken cancellationToken = default)
    {
        var documents = new List<CommunityDocument>();
        var problems = new List<DocumentProblem>();
        var superseded = new List<string>();

        var periods = new List<PeriodRecords>(_periods);
        periods.Sort((a, b) => a.Period.CompareTo(b.Period));
        foreach (PeriodRecords month in periods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DateTime period = month.Period;
            if (!TryChooseEdition(period, month.Editions, problems, superseded, out EditionRecords chosenRecords))
            {
                continue;
            }

            Edition chosen = chosenRecords.Edition;
            var byTrust = chosenRecords.Records
                .GroupBy(r => TrustCodes.Normalise(r.OrganisationCode), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var trust in byTrust)
            {
                CommunityDocument? document = BuildDocument(trust.Key, period, chosen, trust.ToList(), problems);
                if (document is not null)
                {
                    documents.Add(document);
                }
            }
        }

        return new CommunityDocumentBatch { Documents = documents, Problems = problems, SupersededEditions = superseded };
    }

    /// <summary>Convenience for one-shot callers (tests, the backfill): add everything, then build.</summary>
    public static CommunityDocumentBatch Build(IEnumerable<CommunityRecord> records, bool includeNonNhs = false, CancellationToken cancellationToken = default)
    {
        var builder = new CommunityDocumentBuilder(includeNonNhs);
        builder.AddRange(records);
        return builder.Build(cancellationToken);
    }

    private static bool TryChooseEdition(
        DateTime period,
        List<EditionRecords> editions,
        List<DocumentProblem> problems,
        List<string> superseded,
        out EditionRecords chosenRecords)
    {
        // Latest publication first (an unknown date counts as oldest), then file name for a stable pick.
        var orderedRecords = new List<EditionRecords>(editions);
        orderedRecords.Sort(static (a, b) =>
        {
            int byDate = (b.Edition.LastUpdated ?? DateTime.MinValue).CompareTo(a.Edition.LastUpdated ?? DateTime.MinValue);
            int byName = byDate != 0 ? byDate : string.CompareOrdinal(a.Edition.FileName, b.Edition.FileName);
            return byName != 0 ? byName : string.CompareOrdinal(a.Edition.SourceFile, b.Edition.SourceFile);
        });
        chosenRecords = orderedRecords[0];
        Edition chosen = chosenRecords.Edition;
        var ordered = orderedRecords.ConvertAll(e => e.Edition);
        string month = period.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

        var tied = ordered.Skip(1).Where(e => e.LastUpdated == ordered[0].LastUpdated).ToList();
        if (tied.Count > 0)
        {
            string fingerprint = Fingerprint(chosenRecords.Records);
            var different = tied.Where(e => Fingerprint(editions.Find(r => r.Edition == e)!.Records) != fingerprint).ToList();
            if (different.Count > 0)
            {
                string files = string.Join(", ", new[] { chosen }.Concat(different).Select(e => $"'{e.FileName}'"));
                problems.Add(new DocumentProblem(
                    DocumentProblemKind.ConflictingEditions,
                    period,
                    null,
                    $"{month} comes from {files}, published on the same date ({Describe(chosen.LastUpdated)}) with different figures; "
                    + "no documents were built for that month. Pass only one edition of each month."));
                return false;
            }
        }

        foreach (Edition older in ordered.Skip(1))
        {
            superseded.Add(tied.Contains(older)
                ? $"{month}: '{older.FileName}' is identical to '{chosen.FileName}', which is used."
                : $"{month}: '{chosen.FileName}' (published {Describe(chosen.LastUpdated)}) supersedes '{older.FileName}' (published {Describe(older.LastUpdated)}).");
        }

        return true;
    }

    private static CommunityDocument? BuildDocument(string trustCode, DateTime period, Edition edition, List<CommunityRecord> records, List<DocumentProblem> problems)
    {
        var services = new List<CommunityRecord>();
        List<CommunityRecord> sorted = SortByService(records);
        for (int start = 0, end; start < sorted.Count; start = end)
        {
            // One service: the run of records with the same category and key; the first of each distinct set of values counts.
            CommunityRecord first = sorted[start];
            var distinct = new List<CommunityRecord> { first };
            for (end = start + 1; end < sorted.Count && CompareService(sorted[end], first) == 0; end++)
            {
                if (!distinct.Exists(d => SameValues(d, sorted[end])))
                {
                    distinct.Add(sorted[end]);
                }
            }

            if (distinct.Count > 1)
            {
                problems.Add(new DocumentProblem(
                    DocumentProblemKind.ConflictingRecords,
                    period,
                    trustCode,
                    $"{trustCode} {period:yyyy-MM} has {distinct.Count} different records for {CommunityDocumentJson.SectionOf(first.Category)}.{first.ServiceKey ?? ""} "
                    + $"in '{edition.FileName}'; no document was built for it. Check the workbook for a repeated column or row."));
                return null;
            }

            // A record with nothing reported is not a reported service.
            if (AnyBandReported(first))
            {
                services.Add(first);
            }
        }

        if (services.Count == 0)
        {
            return null;
        }

        string trustName = records.Select(r => r.OrganisationName ?? "").Order(StringComparer.Ordinal).First();
        bool split = services.Any(s => s.HasSplit52Weeks);
        return CommunityDocumentJson.Write(trustCode, trustName, period, edition.LastUpdated, edition.FileName, split, services);
    }

    /// <summary>The records by category, then ordinal service key, keeping their order within a service (a stable insertion sort: a trust has a few dozen).</summary>
    private static List<CommunityRecord> SortByService(List<CommunityRecord> records)
    {
        var sorted = new List<CommunityRecord>(records.Count);
        foreach (CommunityRecord record in records)
        {
            int at = sorted.Count;
            while (at > 0 && CompareService(sorted[at - 1], record) > 0)
            {
                at--;
            }

            sorted.Insert(at, record);
        }

        return sorted;
    }

    private static int CompareService(CommunityRecord a, CommunityRecord b)
    {
        int byCategory = ((int)a.Category).CompareTo((int)b.Category);
        return byCategory != 0 ? byCategory : string.CompareOrdinal(a.ServiceKey ?? "", b.ServiceKey ?? "");
    }

    private static bool AnyBandReported(CommunityRecord record)
    {
        foreach (BandDefinition band in BandCatalogue.All)
        {
            if (record[band.Band] is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameValues(CommunityRecord a, CommunityRecord b) =>
        a.TotalWaiting == b.TotalWaiting && a.Wait0To1Weeks == b.Wait0To1Weeks && a.Wait1To2Weeks == b.Wait1To2Weeks
        && a.Wait2To4Weeks == b.Wait2To4Weeks && a.Wait4To12Weeks == b.Wait4To12Weeks && a.Wait12To18Weeks == b.Wait12To18Weeks
        && a.Wait18To52Weeks == b.Wait18To52Weeks && a.Wait52PlusWeeks == b.Wait52PlusWeeks && a.Wait52To104Weeks == b.Wait52To104Weeks
        && a.Wait104PlusWeeks == b.Wait104PlusWeeks && a.HasSplit52Weeks == b.HasSplit52Weeks;

    private static DateTime MonthOf(DateTime date) => new(date.Year, date.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);

    private static string Describe(DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "date unknown";

    private static (int?, int?, int?, int?, int?, int?, int?, int?, int?, int?, bool) Values(CommunityRecord r) =>
        (r.TotalWaiting, r.Wait0To1Weeks, r.Wait1To2Weeks, r.Wait2To4Weeks, r.Wait4To12Weeks, r.Wait12To18Weeks,
         r.Wait18To52Weeks, r.Wait52PlusWeeks, r.Wait52To104Weeks, r.Wait104PlusWeeks, r.HasSplit52Weeks);

    /// <summary>The content of an edition, independent of record order, to tell a copy from a real conflict.</summary>
    private static string Fingerprint(List<CommunityRecord> records)
    {
        var lines = records
            .Select(r => string.Join('|', TrustCodes.Normalise(r.OrganisationCode), r.Category, r.ServiceKey, Values(r)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>One month's records, by edition.</summary>
    private sealed class PeriodRecords(DateTime period)
    {
        public DateTime Period { get; } = period;

        public List<EditionRecords> Editions { get; } = [];
    }

    /// <summary>One edition's records of one month, as they came.</summary>
    private sealed class EditionRecords(DateTime period, Edition edition)
    {
        public DateTime Period { get; } = period;

        public Edition Edition { get; } = edition;

        public List<CommunityRecord> Records { get; } = [];
    }

    /// <summary>One workbook edition of a month: its publication date and file.</summary>
    private readonly record struct Edition(DateTime? LastUpdated, string SourceFile)
    {
        /// <summary>The file name alone: documents never carry a machine's path. Both separators, whatever the OS.</summary>
        public string FileName => SourceFile[(SourceFile.LastIndexOfAny(['/', '\\']) + 1)..];
    }
}
