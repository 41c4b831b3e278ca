using System.Xml.Linq;
using NhsCommunity.Catalogue;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>A sheet of the workbook: its name and the zip part that holds it.</summary>
internal sealed record SheetPart(string Name, string Part);

/// <summary>A band sheet as its XML lays it out: the header row, the service headers, and the rows below them.</summary>
internal sealed record BandSheetLayout(WaitBand Band, SheetPart Sheet, string Xml, RowSpan HeaderRow, IReadOnlyList<CellSpan> HeaderCells, IReadOnlyList<CellSpan> ServiceHeaders, IReadOnlyList<RowSpan> DataRows);

/// <summary>
/// An undamaged workbook the fuzzer starts from: its bytes, its parts, where its sheets are, and the records
/// the importer reads from it, which every damaged copy is compared with.
/// </summary>
internal sealed class FuzzSubject
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static readonly XNamespace OfficeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private static readonly string[] OrganisationHeaders = ["Organisation Type", "Organisation Code", "Organisation Name"];

    private FuzzSubject(string label, string path, byte[] file, WorkbookContent content)
    {
        Label = label;
        FileName = Path.GetFileName(path);
        File = file;
        Content = content;
        Package = WorkbookPackage.Read(file);

        WorkbookPart = Target("", Package.Text("_rels/.rels"), "/officeDocument");
        string folder = WorkbookPart[..(WorkbookPart.LastIndexOf('/') + 1)];
        WorkbookRelationshipsPart = $"{folder}_rels/{WorkbookPart[folder.Length..]}.rels";
        string relationships = Package.Text(WorkbookRelationshipsPart);
        SharedStringsPart = Target(folder, relationships, "/sharedStrings");
        StylesPart = Target(folder, relationships, "/styles");
        Sheets = XDocument.Parse(Package.Text(WorkbookPart)).Descendants(XName.Get("sheet", Main))
            .Select(s => new SheetPart((string)s.Attribute("name")!, TargetById(folder, relationships, (string)s.Attribute(OfficeRelationships + "id")!)))
            .ToArray();
        SharedStrings = XDocument.Parse(Package.Text(SharedStringsPart)).Root!.Elements(XName.Get("si", Main))
            .Select(si => string.Concat(si.Descendants(XName.Get("t", Main)).Where(t => t.Parent!.Name.LocalName != "rPh").Select(t => t.Value)))
            .ToArray();
        BandSheets = content.BandSheets.OrderBy(p => p.Key).Select(p => Layout(p.Key, Sheets.Single(s => s.Name == p.Value))).ToArray();
        SheetPart? cover = Sheets.FirstOrDefault(s => s.Name.StartsWith("Cover", StringComparison.OrdinalIgnoreCase));
        NeededParts = new HashSet<string>([WorkbookPart, WorkbookRelationshipsPart, SharedStringsPart, .. BandSheets.Select(b => b.Sheet.Part), .. cover is null ? [] : new[] { cover.Part }]);
    }

    /// <summary>Says which workbook, in failure messages: "generated 2024-08" or "real ...-August.xlsx".</summary>
    public string Label { get; }

    public string FileName { get; }

    public byte[] File { get; }

    public WorkbookPackage Package { get; }

    /// <summary>What the importer reads from the undamaged file: the expected records.</summary>
    public WorkbookContent Content { get; }

    public string WorkbookPart { get; }

    public string WorkbookRelationshipsPart { get; }

    public string SharedStringsPart { get; }

    public string StylesPart { get; }

    /// <summary>Every sheet in workbook order.</summary>
    public IReadOnlyList<SheetPart> Sheets { get; }

    public IReadOnlyList<string> SharedStrings { get; }

    public IReadOnlyList<BandSheetLayout> BandSheets { get; }

    /// <summary>The parts whose every byte the records depend on: the workbook, its relationships, the shared strings, the band sheets and the Cover page.</summary>
    public IReadOnlySet<string> NeededParts { get; }

    public static FuzzSubject Load(string label, string path)
    {
        string full = Path.GetFullPath(path);
        return new FuzzSubject(label, full, System.IO.File.ReadAllBytes(full), new WorkbookImporter().Read(full));
    }

    /// <summary>A cell's text as a person reads it: shared strings resolved.</summary>
    public string? TextOf(CellSpan cell) => cell.Type switch
    {
        "s" when int.TryParse(cell.Value, out int index) && index < SharedStrings.Count => SharedStrings[index],
        "s" => null,
        _ => cell.Value,
    };

    private BandSheetLayout Layout(WaitBand band, SheetPart sheet)
    {
        string xml = Package.Text(sheet.Part);
        IReadOnlyList<RowSpan> rows = SheetXml.Rows(xml);
        for (int i = 0; i < rows.Count; i++)
        {
            IReadOnlyList<CellSpan> cells = SheetXml.Cells(xml, rows[i]).Where(c => c.Value is not null).ToArray();
            if (cells.Any(c => TextOf(c)?.Trim() == OrganisationHeaders[0]))
            {
                CellSpan[] services = cells.Where(c => !OrganisationHeaders.Contains(TextOf(c)?.Trim())).ToArray();
                return new BandSheetLayout(band, sheet, xml, rows[i], cells, services, rows.Skip(i + 1).ToArray());
            }
        }

        throw new InvalidOperationException($"{Label}: no header row in '{sheet.Name}'");
    }

    private static string Target(string folder, string relationships, string typeSuffix) =>
        Resolve(folder, (string)XDocument.Parse(relationships).Root!.Elements(XName.Get("Relationship", PackageRelationships))
            .First(r => ((string)r.Attribute("Type")!).EndsWith(typeSuffix, StringComparison.Ordinal)).Attribute("Target")!);

    private static string TargetById(string folder, string relationships, string id) =>
        Resolve(folder, (string)XDocument.Parse(relationships).Root!.Elements(XName.Get("Relationship", PackageRelationships))
            .First(r => (string)r.Attribute("Id")! == id).Attribute("Target")!);

    private static string Resolve(string folder, string target) => target.StartsWith('/') ? target[1..] : folder + target;
}
