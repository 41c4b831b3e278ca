using System.Security.Cryptography;

namespace NhsCommunity.Ledger;

/// <summary>
/// A workbook as the ledger knows it: its name and the SHA-256 of its bytes (taken before any parsing), and
/// once read, its month and the publication or revision date on its Cover page.
/// </summary>
public sealed record LoadFile(string Path, string Sha256)
{
    public string FileName => System.IO.Path.GetFileName(Path);

    public DateTime? Period { get; init; }

    public DateTime? Published { get; init; }

    /// <summary>Hashes the file's bytes (SHA-256 in upper-case hex, as Get-FileHash shows it) without opening it as a workbook.</summary>
    public static LoadFile Hash(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        return new LoadFile(path, Convert.ToHexString(SHA256.HashData(stream)));
    }
}
