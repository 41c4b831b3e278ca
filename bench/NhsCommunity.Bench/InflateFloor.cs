using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Bench;

/// <summary>
/// The physical floor of an import: open each workbook's zip and inflate its Table 4 sheets and its shared
/// strings with System.IO.Compression, reading every stream to its end and nothing else: no XML, no cells.
/// One thread, warm (the parts are found once beforehand, and a first pass is not counted).
/// </summary>
internal sealed class InflateFloor
{
    private static readonly XNamespace Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private static readonly XNamespace PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

    private readonly (string File, string[] Parts)[] _workbooks;
    private readonly List<double> _times = [];

    /// <summary>Finds, for each file, the zip entries of its band sheets (as the reader recognises them) and shared strings.</summary>
    public InflateFloor(IReadOnlyList<string> files)
    {
        var partsByFile = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var importer = new WorkbookImporter();
        _workbooks = files.Select(file =>
        {
            if (!partsByFile.TryGetValue(file, out string[]? parts))
            {
                partsByFile[file] = parts = Parts(file, importer.Read(file).BandSheets.Values);
            }

            return (file, parts);
        }).ToArray();
    }

    public int Files => _workbooks.Length;

    /// <summary>Bytes inflated by one pass.</summary>
    public long InflatedBytes { get; private set; }

    /// <summary>Median wall time (ms) of every counted pass so far.</summary>
    public double MedianMs => BenchStats.Median(_times);

    /// <summary>Passes counted so far.</summary>
    public int Runs => _times.Count;

    /// <summary>Times <paramref name="runs"/> passes over every file, after one uncounted pass; call it before and after the runs it is compared with.</summary>
    public void Measure(int runs)
    {
        Pass();
        for (int run = 0; run < runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            InflatedBytes = Pass();
            _times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
    }

    public string Describe() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"the floor, inflating the Table 4 sheets and shared strings of the same {Files} files ({InflatedBytes / 1048576.0:F0} MB of XML) with System.IO.Compression, one thread, warm: median {MedianMs:F0} ms of {Runs} passes");

    private long Pass()
    {
        byte[] buffer = new byte[81920];
        long total = 0;
        foreach ((string file, string[] parts) in _workbooks)
        {
            using ZipArchive zip = ZipFile.OpenRead(file);
            foreach (string part in parts)
            {
                using Stream stream = zip.GetEntry(part)!.Open();
                for (int read; (read = stream.Read(buffer)) > 0;)
                {
                    total += read;
                }
            }
        }

        return total;
    }

    /// <summary>workbook.xml names the sheets, its relationships say which part holds each.</summary>
    private static string[] Parts(string file, IEnumerable<string> bandSheets)
    {
        using ZipArchive zip = ZipFile.OpenRead(file);
        XDocument workbook = Load(zip, "xl/workbook.xml");
        Dictionary<string, (string Type, string Target)> targets = Load(zip, "xl/_rels/workbook.xml.rels")
            .Descendants(PackageRelationships + "Relationship")
            .ToDictionary(r => (string)r.Attribute("Id")!, r => ((string)r.Attribute("Type")!, Resolve((string)r.Attribute("Target")!)));
        var parts = workbook.Descendants().Where(e => e.Name.LocalName == "sheet")
            .Where(sheet => bandSheets.Contains((string)sheet.Attribute("name")!, StringComparer.Ordinal))
            .Select(sheet => targets[(string)sheet.Attribute(Relationships + "id")!].Target)
            .ToList();
        parts.AddRange(targets.Values.Where(t => t.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Select(t => t.Target));
        return [.. parts];
    }

    private static XDocument Load(ZipArchive zip, string part)
    {
        using Stream stream = zip.GetEntry(part)!.Open();
        return XDocument.Load(stream);
    }

    private static string Resolve(string target) => target.StartsWith('/') ? target[1..] : "xl/" + target;
}
