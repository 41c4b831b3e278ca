using System.Globalization;
using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Documents;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Commands;

/// <summary>
/// Groups CommunityRecord objects (from Import-CommunityWorkbook) into one community_data document per
/// trust and month. Grouping is the meaning, so the documents come out in EndProcessing, sorted by
/// period then trust code.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "CommunityJsonb")]
[OutputType(typeof(CommunityDocument))]
public sealed class ConvertToCommunityJsonbCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private CommunityDocumentBuilder _builder = null!;
    private readonly SortedSet<OrganisationType> _ignoredLevels = [];
    private readonly SortedSet<string> _nonNhsCodes = new(StringComparer.Ordinal);
    private int _ignoredRecords;
    private int _nonNhsRecords;

    /// <summary>The records to group; Import-CommunityWorkbook's output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public CommunityRecord[] InputObject { get; set; } = [];

    /// <summary>Also build documents for providers that are not NHS trusts (community interest companies, independent providers).</summary>
    [Parameter]
    public SwitchParameter IncludeNonNhs { get; set; }

    protected override void BeginProcessing()
    {
        _builder = new CommunityDocumentBuilder(IncludeNonNhs.IsPresent);
    }

    protected override void ProcessRecord()
    {
        foreach (CommunityRecord? record in InputObject)
        {
            if (record is null)
            {
                continue;
            }

            switch (_builder.Add(record))
            {
                case RecordDisposition.NotProvider:
                    _ignoredRecords++;
                    _ignoredLevels.Add(record.OrganisationType);
                    break;
                case RecordDisposition.NotNhsTrust:
                    _nonNhsRecords++;
                    _nonNhsCodes.Add(record.OrganisationCode.Trim());
                    break;
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_ignoredRecords > 0)
        {
            WriteVerbose(string.Create(
                CultureInfo.InvariantCulture,
                $"Ignored {_ignoredRecords} records that are not at provider level ({string.Join(", ", _ignoredLevels)}): documents are per provider."));
        }

        if (_nonNhsRecords > 0)
        {
            WriteVerbose(string.Create(
                CultureInfo.InvariantCulture,
                $"Left out {_nonNhsRecords} records of {_nonNhsCodes.Count} providers that are not NHS trusts ({string.Join(", ", _nonNhsCodes)}); use -IncludeNonNhs to include them, Get-TrustMapping to list them."));
        }

        CommunityDocumentBatch batch;
        try
        {
            batch = _builder.Build(_cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        foreach (string line in batch.SupersededEditions)
        {
            WriteWarning(line);
        }

        foreach (DocumentProblem problem in batch.Problems)
        {
            WriteError(new ErrorRecord(
                new InvalidDataException(problem.Message),
                "ConvertToCommunityJsonb" + problem.Kind,
                ErrorCategory.InvalidData,
                problem.TrustCode is null ? problem.Period : $"{problem.TrustCode} {problem.Period:yyyy-MM}"));
        }

        foreach (CommunityDocument document in batch.Documents)
        {
            WriteObject(document);
        }
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    public void Dispose() => _cancellation.Dispose();
}
