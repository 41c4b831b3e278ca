using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NhsCommunity.Coverage;

namespace NhsCommunity.Demo;

/// <summary>
/// The module as a user runs it: the 7.6 engine, Import-Module on the repository's manifest, then
/// Invoke-CommunityBackfill and Test-CommunityCoverage. Streams are echoed as they arrive (verbose "Read ..."
/// lines, warnings, errors); the results come back as objects.
/// </summary>
internal sealed class ModuleSession : IDisposable
{
    private readonly Runspace _runspace;
    private readonly TextWriter _output;
    private readonly TextWriter _errors;

    public ModuleSession(string manifestPath, TextWriter output, TextWriter errors)
    {
        _output = output;
        _errors = errors;
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        if (Invoke(ps => ps.AddCommand("Import-Module").AddParameter("Name", manifestPath).AddParameter("ErrorAction", "Stop"), CancellationToken.None) is null)
        {
            throw new DemoUsageException($"Import-Module '{manifestPath}' failed: build the module (dotnet build Cmdlets.sln -c Release).");
        }
    }

    public BackfillOutcome? Backfill(IReadOnlyList<string> workbooks, string connectionString, bool addMissingRows, CancellationToken cancellationToken)
    {
        PSObject? summary = Invoke(
            ps => ps.AddCommand("Invoke-CommunityBackfill")
                .AddParameter("LiteralPath", workbooks.ToArray())
                .AddParameter("ConnectionString", connectionString)
                .AddParameter("AddMissingRows", addMissingRows)

                // Every workbook is read again (not skipped by the load ledger), so a second run shows every trust unchanged.
                .AddParameter("Force", true)
                .AddParameter("Verbose", true),
            cancellationToken)?.LastOrDefault();
        return summary is null ? null : Read(summary);
    }

    /// <summary>Test-CommunityCoverage over the months; given workbooks, it also compares the stored numbers with them (SourceMismatch).</summary>
    public CoverageReport? Coverage(DateTime from, DateTime to, IReadOnlyList<string>? workbooks, string connectionString, CancellationToken cancellationToken)
    {
        PSObject? report = Invoke(
            ps =>
            {
                ps.AddCommand("Test-CommunityCoverage")
                    .AddParameter("From", from)
                    .AddParameter("To", to)
                    .AddParameter("ConnectionString", connectionString);
                if (workbooks is { Count: > 0 })
                {
                    ps.AddParameter("Path", workbooks.Select(WildcardPattern.Escape).ToArray());
                }
            },
            cancellationToken)?.LastOrDefault();

        // The module resolves NhsCommunity.Core to this program's copy (same build), so the report is the core type.
        return report?.BaseObject as CoverageReport;
    }

    /// <summary>Errors written so far by every command run in this runspace.</summary>
    public int ErrorCount { get; private set; }

    public void Dispose() => _runspace.Dispose();

    private List<PSObject>? Invoke(Action<PowerShell> addCommand, CancellationToken cancellationToken)
    {
        using PowerShell shell = PowerShell.Create();
        shell.Runspace = _runspace;
        addCommand(shell);
        shell.Streams.Verbose.DataAdded += (_, e) =>
        {
            string message = shell.Streams.Verbose[e.Index].Message;
            if (message.StartsWith("Read '", StringComparison.Ordinal))
            {
                // "Read '<folder>/<file>': ..." shown with the file name only.
                int end = message.IndexOf("':", StringComparison.Ordinal);
                _output.WriteLine(end > 6 ? $"  Read '{Path.GetFileName(message[6..end])}{message[end..]}" : "  " + message);
            }
        };
        shell.Streams.Warning.DataAdded += (_, e) => _output.WriteLine("  WARNING: " + shell.Streams.Warning[e.Index].Message);
        shell.Streams.Error.DataAdded += (_, e) => WriteError(shell.Streams.Error[e.Index]);

        using CancellationTokenRegistration stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        try
        {
            return shell.Invoke().ToList();
        }
        catch (RuntimeException e)
        {
            WriteError(e.ErrorRecord);
            return null;
        }
    }

    private void WriteError(ErrorRecord error)
    {
        ErrorCount++;
        _errors.WriteLine($"  ERROR {error.FullyQualifiedErrorId.Split(',')[0]}: {error.Exception.Message}");
    }

    private static BackfillOutcome Read(PSObject summary)
    {
        int Int(string name) => Convert.ToInt32(summary.Properties[name].Value, CultureInfo.InvariantCulture);
        string months = summary.Properties["Periods"].Value as string ?? "";
        return new BackfillOutcome(
            Int("ExitCode"),
            Int("FilesRead"),
            Int("FilesFailed"),
            months.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(m => DateTime.ParseExact(m, "yyyy-MM", CultureInfo.InvariantCulture))
                .ToArray(),
            Int("MonthsWritten"),
            Int("MonthsFailed"),
            Int("TrustsUpdated"),
            Int("TrustsUnchanged"),
            Int("TrustsInserted"),
            Int("TrustsNotInDatabase"),
            Int("NonNhsProviders"),
            Int("TrustsNotInWorkbooks"),
            summary.Properties["Duration"].Value is TimeSpan duration ? duration : TimeSpan.Zero,
            ((System.Collections.IEnumerable?)summary.Properties["Failures"].Value ?? Array.Empty<string>()).Cast<object>().Select(f => f.ToString() ?? "").ToArray());
    }
}
