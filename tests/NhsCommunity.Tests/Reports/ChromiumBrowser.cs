using System.Diagnostics;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Reports;

/// <summary>Headless Chromium (Debian package 'chromium'): the DOM after load, and a screenshot.</summary>
internal static class ChromiumBrowser
{
    public const string NotInstalledReason = "chromium is not installed (Debian: apt-get install chromium); .ci/run installs it";

    public static string? Executable { get; } = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    public static bool IsAvailable => Prerequisite.Check(Executable is not null, NotInstalledReason);

    public static string DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom");

    public static void Screenshot(string htmlFile, string pngFile, int width = 1400, int height = 2000) =>
        Run(htmlFile, $"--screenshot={pngFile}", $"--window-size={width},{height}");

    private static string Run(string htmlFile, params string[] arguments)
    {
        string profile = Directory.CreateTempSubdirectory("nhscommunity-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(new Uri(htmlFile).AbsoluteUri);
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 2 minutes");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {error.Result}");
            }

            return output;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
