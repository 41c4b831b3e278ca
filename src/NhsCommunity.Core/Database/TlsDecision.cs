using Npgsql;

namespace NhsCommunity.Database;

/// <summary>
/// How a connection is secured, decided once from the parsed connection string and the environment as
/// libpq decides it: the mode from the string's SSL Mode key, else PGSSLMODE; the root certificate from the
/// string's Root Certificate key, else PGSSLROOTCERT, else ~/.postgresql/root.crt (%APPDATA%\postgresql\root.crt
/// on Windows). Where nothing is chosen, a host other than this machine gets TLS, and with a root
/// certificate available its certificate and name are verified (VerifyFull). An explicit Require with a
/// root certificate available verifies the certificate (VerifyCA), as libpq does.
/// </summary>
public sealed record TlsDecision(SslMode Mode, string? RootCertificate, string ModeSource, string? RootSource)
{
    /// <summary>Whether the server's certificate is checked against a trusted root.</summary>
    public bool VerifiesCertificate => Mode is SslMode.VerifyCA or SslMode.VerifyFull;

    /// <summary>One line for verbose output: whether the connection is encrypted and whether the certificate is verified, and why.</summary>
    public string Describe() => Mode switch
    {
        SslMode.VerifyFull => $"TLS: required; the server's certificate and name are verified (VerifyFull) against {RootSource}. Mode from {ModeSource}.",
        SslMode.VerifyCA => $"TLS: required; the server's certificate is verified against {RootSource}, but not its name (VerifyCA). Mode from {ModeSource}.",
        SslMode.Require => $"TLS: required, but the server's certificate is NOT verified (Require): give a root certificate (Root Certificate, PGSSLROOTCERT or {DefaultRootDescription}) to verify it. Mode from {ModeSource}.",
        SslMode.Disable => $"TLS: off (Disable); the connection is not encrypted. Mode from {ModeSource}.",
        _ => $"TLS: used only if the server offers it ({Mode}), and the server's certificate is NOT verified. Mode from {ModeSource}.",
    };

    private static string DefaultRootDescription => OperatingSystem.IsWindows() ? @"%APPDATA%\postgresql\root.crt" : "~/.postgresql/root.crt";

    /// <summary>Decides, and applies the decision to <paramref name="settings"/> (SslMode, and Root Certificate when it is a file).</summary>
    internal static TlsDecision Apply(NpgsqlConnectionStringBuilder settings, string host, Func<string, string?> environment)
    {
        TlsDecision decision = Decide(settings, host, environment);
        settings.SslMode = decision.Mode;
        if (decision.VerifiesCertificate && decision.RootCertificate is not null)
        {
            settings.RootCertificate = decision.RootCertificate;
        }

        return decision;
    }

    private static TlsDecision Decide(NpgsqlConnectionStringBuilder settings, string host, Func<string, string?> environment)
    {
        (SslMode? chosen, string modeSource) = ChosenMode(settings, environment);
        (string? root, string? rootSource) = Root(settings, environment);
        bool haveRoot = rootSource is not null;
        string systemOrFile = root is null ? "the system's trusted root certificates" : rootSource!;

        switch (chosen)
        {
            case SslMode.Require when haveRoot:
                return new(SslMode.VerifyCA, root, modeSource + " (Require, with a root certificate available)", systemOrFile);
            case SslMode.VerifyCA or SslMode.VerifyFull:
                return new(chosen.Value, root, modeSource, systemOrFile);
            case { } mode:
                return new(mode, null, modeSource, null);
        }

        if (DatabaseConnection.IsLocal(host))
        {
            return new(settings.SslMode, null, "the default for this machine", null);
        }

        return haveRoot
            ? new(SslMode.VerifyFull, root, "the default for a remote host with a root certificate", systemOrFile)
            : new(SslMode.Require, null, "the default for a remote host", null);
    }

    /// <summary>The mode the user chose: the SSL Mode key (under any of its spellings), else PGSSLMODE; null when neither.</summary>
    private static (SslMode? Mode, string Source) ChosenMode(NpgsqlConnectionStringBuilder settings, Func<string, string?> environment)
    {
        if (settings.Keys.Cast<string>().Any(k => k.Equals("SSL Mode", StringComparison.OrdinalIgnoreCase)))
        {
            return (settings.SslMode, "the connection string");
        }

        string? variable = environment("PGSSLMODE");
        if (string.IsNullOrWhiteSpace(variable))
        {
            return (null, "");
        }

        SslMode mode = variable.Trim().ToLowerInvariant() switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "prefer" => SslMode.Prefer,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => throw new DatabaseConfigurationException(
                "PGSSLMODE is set to a value libpq does not know: use disable, allow, prefer, require, verify-ca or verify-full, or unset it."),
        };
        return (mode, "PGSSLMODE");
    }

    /// <summary>
    /// The root certificate file and where it came from; (null, null) when there is none. A root that is named but missing is an error, as in libpq, rather than a silent
    /// fall back to no verification.
    /// </summary>
    private static (string? Path, string? Source) Root(NpgsqlConnectionStringBuilder settings, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(settings.RootCertificate))
        {
            return File.Exists(settings.RootCertificate)
                ? (settings.RootCertificate, "the root certificate named by the connection string (Root Certificate)")
                : throw new DatabaseConfigurationException(
                    "The root certificate file named by the connection string's Root Certificate key does not exist. Give the path of the server's CA certificate (PEM).");
        }

        string? variable = environment("PGSSLROOTCERT");
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return File.Exists(variable)
                ? (variable, "the root certificate named by PGSSLROOTCERT")
                : throw new DatabaseConfigurationException(
                    $"PGSSLROOTCERT names '{variable}', which does not exist. Set it to the path of the server's CA certificate (PEM), or unset it.");
        }

        string? home = OperatingSystem.IsWindows() ? environment("APPDATA") : environment("HOME");
        if (!string.IsNullOrEmpty(home))
        {
            string path = Path.Combine(home, OperatingSystem.IsWindows() ? "postgresql" : ".postgresql", "root.crt");
            if (File.Exists(path))
            {
                return (path, $"the default root certificate {DefaultRootDescription}");
            }
        }

        return (null, null);
    }
}
