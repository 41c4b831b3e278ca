using System.IO.Compression;
using System.Text;

namespace NhsCommunity.Tests.Fuzzing;

/// <summary>
/// An .xlsx held in memory as its parts, in zip order. A mutation takes a copy with one part changed, left out
/// or added twice, and writes it as a valid zip again, so the damage is in the XML and not in the zip.
/// </summary>
internal sealed class WorkbookPackage
{
    private readonly List<(string Name, byte[] Content)> _parts;

    private WorkbookPackage(List<(string Name, byte[] Content)> parts) => _parts = parts;

    public IReadOnlyList<string> PartNames => _parts.Select(p => p.Name).ToArray();

    public static WorkbookPackage Read(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
        var parts = new List<(string, byte[])>();
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            using Stream stream = entry.Open();
            using var content = new MemoryStream();
            stream.CopyTo(content);
            parts.Add((entry.FullName, content.ToArray()));
        }

        return new WorkbookPackage(parts);
    }

    public bool Has(string name) => _parts.Exists(p => p.Name == name);

    public byte[] Bytes(string name) => _parts.First(p => p.Name == name).Content;

    /// <summary>The part as text, without the byte order mark some writers put first.</summary>
    public string Text(string name)
    {
        byte[] bytes = Bytes(name);
        int bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        return Encoding.UTF8.GetString(bytes, bom, bytes.Length - bom);
    }

    public WorkbookPackage With(string name, byte[] content) =>
        new([.. _parts.Select(p => p.Name == name ? (p.Name, content) : p)]);

    public WorkbookPackage WithText(string name, string text) => With(name, Encoding.UTF8.GetBytes(text));

    public WorkbookPackage Without(string name) => new([.. _parts.Where(p => p.Name != name)]);

    /// <summary>A second entry of the same name after the last part, holding <paramref name="content"/>.</summary>
    public WorkbookPackage WithSecondEntry(string name, byte[] content) => new([.. _parts, (name, content)]);

    /// <summary>
    /// The parts as a zip, by default stored, not deflated: writing and reading are then quick, and a reader must
    /// not care how a part was compressed. Entry times are fixed, so the same parts always give the same bytes.
    /// </summary>
    public byte[] ToZip(CompressionLevel compression = CompressionLevel.NoCompression)
    {
        using var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in _parts)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, compression);
                entry.LastWriteTime = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using Stream stream = entry.Open();
                stream.Write(content);
            }
        }

        return file.ToArray();
    }
}
