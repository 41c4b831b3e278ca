using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NhsCommunity.Demo;

/// <summary>
/// Runs the backfill as a user would: the 7.6 engine, Import-Module on the repository's manifest, then
/// Invoke-CommunityBackfill. Streams are echoed as they arrive (verbose "Read ..." lines, warnings,
/// errors) and the summary object's figures are returned.
/// </summary>
internal sealed class BackfillRunner(string manifestPath, TextWriter output, TextWriter errors)
{
    private const string Script = """
        param([string]$Manifest, [string[]]$Workbooks, [string]$ConnectionString, [bool]$AddMissingRows)
        Import-Module $Manifest -ErrorAction Stop
        Invoke-CommunityBackfill -LiteralPath $Workbooks -ConnectionString $ConnectionString -AddMissingRows:$AddMissingRows -Verbose
        """;

    public BackfillOutcome? Run(IReadOnlyList<string> workbooks, string connectionString, bool addMissingRows, CancellationToken cancellationToken)
    {
        using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using PowerShell shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(Script)
            .AddParameter("Manifest", manifestPath)
            .AddParameter("Workbooks", workbooks.ToArray())
            .AddParameter("ConnectionString", connectionString)
            .AddParameter("AddMissingRows", addMissingRows);

        shell.Streams.Verbose.DataAdded += (_, e) =>
        {
            string message = shell.Streams.Verbose[e.Index].Message;
            if (message.StartsWith("Read '", StringComparison.Ordinal))
            {
                output.WriteLine("  " + message.Replace(Path.GetDirectoryName(workbooks[0]) + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
            }
        };
        shell.Streams.Warning.DataAdded += (_, e) => output.WriteLine("  WARNING: " + shell.Streams.Warning[e.Index].Message);
        shell.Streams.Error.DataAdded += (_, e) =>
        {
            ErrorRecord error = shell.Streams.Error[e.Index];
            errors.WriteLine($"  ERROR {error.FullyQualifiedErrorId.Split(',')[0]}: {error.Exception.Message}");
        };

        using CancellationTokenRegistration stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        PSObject? summary;
        try
        {
            summary = shell.Invoke().LastOrDefault();
        }
        catch (RuntimeException e)
        {
            errors.WriteLine($"  ERROR {e.ErrorRecord.FullyQualifiedErrorId.Split(',')[0]}: {e.Message}");
            return null;
        }

        return summary is null ? null : Read(summary);
    }

    private static BackfillOutcome Read(PSObject summary)
    {
        int Int(string name) => Convert.ToInt32(summary.Properties[name].Value, CultureInfo.InvariantCulture);
        string months = summary.Properties["Months"].Value as string ?? "";
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
