using System.Text;

namespace NhsCommunity.Fixtures;

/// <summary>Files that are not usable CHS workbooks, for the bad-input tests.</summary>
public static class BadInputs
{
    /// <summary>The first part of a real or generated workbook: a zip whose central directory is missing.</summary>
    public static string WriteTruncated(string sourcePath, string path, double keepFraction = 0.5)
    {
        byte[] bytes = File.ReadAllBytes(sourcePath);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keepFraction)]);
        return path;
    }

    /// <summary>Seeded random bytes, whatever the extension says.</summary>
    public static string WriteRandomBytes(string path, int length = 64 * 1024, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A text file saved with a workbook's name (what a failed download often leaves).</summary>
    public static string WriteText(string path, string text = "<html><body>The requested page could not be found.</body></html>")
    {
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A "password-protected workbook" as Excel saves one: an OLE compound file with an EncryptionInfo stream
    /// (agile encryption, version 4.4, with a well-formed XML descriptor whose salts and keys are random) and an
    /// EncryptedPackage stream (the 8-byte package size, then random "ciphertext"). No password opens it.
    /// </summary>
    public static string WritePasswordProtected(string path, int seed = 1)
    {
        var rng = new Random(seed);
        string B64(int bytes)
        {
            var buffer = new byte[bytes];
            rng.NextBytes(buffer);
            return Convert.ToBase64String(buffer);
        }

        const string Cipher = "saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\"";
        string descriptor =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n" +
            "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">" +
            $"<keyData {Cipher} saltValue=\"{B64(16)}\"/>" +
            $"<dataIntegrity encryptedHmacKey=\"{B64(64)}\" encryptedHmacValue=\"{B64(64)}\"/>" +
            "<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">" +
            $"<p:encryptedKey spinCount=\"100000\" {Cipher} saltValue=\"{B64(16)}\" encryptedVerifierHashInput=\"{B64(16)}\" encryptedVerifierHashValue=\"{B64(64)}\" encryptedKeyValue=\"{B64(32)}\"/>" +
            "</keyEncryptor></keyEncryptors></encryption>";

        // Version 4.4 (agile), reserved 0x40, then the descriptor: about 1 KB, so it lives in the mini stream.
        using var info = new MemoryStream();
        info.Write([4, 0, 4, 0, 0x40, 0, 0, 0]);
        info.Write(Encoding.UTF8.GetBytes(descriptor));

        var package = new byte[8 + 4096];
        BitConverter.TryWriteBytes(package.AsSpan(0, 8), 4000L);
        rng.NextBytes(package.AsSpan(8));

        File.WriteAllBytes(path, CompoundFileWriter.Build([("EncryptionInfo", info.ToArray()), ("EncryptedPackage", package)]));
        return path;
    }

    /// <summary>
    /// A workbook of another publication (an RTT-style incomplete pathways file): a valid xlsx whose sheets and
    /// titles are nothing like the CHS layout.
    /// </summary>
    public static string WriteOtherPublication(string path, DateTime period)
    {
        string month = PublishedLayout.MonthYear(period);
        var rows = new List<IReadOnlyList<object?>>
        {
            (object?[])["Title:", $"Referral to Treatment (RTT) Waiting Times: Incomplete Pathways by Provider, {month}"],
            (object?[])["Summary:", "Number of incomplete RTT pathways by weeks waiting."],
            (object?[])[],
            (object?[])["Region Code", "Provider Code", "Provider Name", "Treatment Function", "Total number of incomplete pathways", "Total within 18 weeks", "% within 18 weeks"],
        };
        var rng = new Random(StableHash.Of("rtt", period.Year, period.Month));
        foreach (SyntheticProvider provider in SyntheticProviders.NhsTrusts.Take(40))
        {
            int total = rng.Next(500, 60000);
            int within = (int)(total * (0.45 + 0.3 * rng.NextDouble()));
            rows.Add((object?[])[provider.RegionCode, provider.Code, provider.Name, "Total", total, within, Math.Round(100.0 * within / total, 1)]);
        }

        CommunityWorkbookWriter.WriteSheets(path,
        [
            new SheetModel("Notes", [(object?[])["Consultant-led Referral to Treatment Waiting Times"], (object?[])[$"Published for {month}"]]),
            new SheetModel("Provider", rows),
            new SheetModel("Commissioner", [(object?[])["Commissioner level data is published separately."]]),
        ]);
        return path;
    }
}
