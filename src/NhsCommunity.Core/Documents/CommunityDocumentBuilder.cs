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

    // Period -> edition -> records, kept as they come; everything is sorted at Build time.
    private readonly Dictionary<DateTime, Dictionary<Edition, List<CommunityRecord>>> _periods = [];

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
        if (!_periods.TryGetValue(period, out var editions))
        {
            editions = [];
            _periods.Add(period, editions);
        }

        var edition = new Edition(record.LastUpdated?.Date, record.SourceFile ?? "");
        if (!editions.TryGetValue(edition, out var records))
        {
            records = [];
            editions.Add(edition, records);
        }

        records.Add(record);
        return RecordDisposition.Accepted;
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

        foreach (DateTime period in _periods.Keys.Order())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryChooseEdition(period, _periods[period], problems, superseded, out Edition chosen))
            {
                continue;
            }

            var byTrust = _periods[period][chosen]
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
        Dictionary<Edition, List<CommunityRecord>> editions,
        List<DocumentProblem> problems,
        List<string> superseded,
        out Edition chosen)
    {
        // Latest publication first (an unknown date counts as oldest), then file name for a stable pick.
        var ordered = editions.Keys
            .OrderByDescending(e => e.LastUpdated ?? DateTime.MinValue)
            .ThenBy(e => e.FileName, StringComparer.Ordinal)
            .ThenBy(e => e.SourceFile, StringComparer.Ordinal)
            .ToList();
        chosen = ordered[0];
        string month = period.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

        var tied = ordered.Skip(1).Where(e => e.LastUpdated == ordered[0].LastUpdated).ToList();
        if (tied.Count > 0)
        {
            string fingerprint = Fingerprint(editions[chosen]);
            var different = tied.Where(e => Fingerprint(editions[e]) != fingerprint).ToList();
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
        foreach (var same in records.GroupBy(r => (r.Category, Key: r.ServiceKey ?? "")).OrderBy(g => g.Key.Category).ThenBy(g => g.Key.Key, StringComparer.Ordinal))
        {
            var distinct = same.DistinctBy(Values).ToList();
            if (distinct.Count > 1)
            {
                problems.Add(new DocumentProblem(
                    DocumentProblemKind.ConflictingRecords,
                    period,
                    trustCode,
                    $"{trustCode} {period:yyyy-MM} has {distinct.Count} different records for {CommunityDocumentJson.SectionOf(same.Key.Category)}.{same.Key.Key} "
                    + $"in '{edition.FileName}'; no document was built for it. Check the workbook for a repeated column or row."));
                return null;
            }

            // A record with nothing reported is not a reported service.
            if (BandCatalogue.All.Any(b => distinct[0][b.Band] is not null))
            {
                services.Add(distinct[0]);
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

    /// <summary>One workbook edition of a month: its publication date and file.</summary>
    private readonly record struct Edition(DateTime? LastUpdated, string SourceFile)
    {
        /// <summary>The file name alone: documents never carry a machine's path. Both separators, whatever the OS.</summary>
        public string FileName => SourceFile[(SourceFile.LastIndexOfAny(['/', '\\']) + 1)..];
    }
}
