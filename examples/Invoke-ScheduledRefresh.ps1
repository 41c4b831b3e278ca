#Requires -Version 7.4
<#
.SYNOPSIS
    Monthly scheduled refresh: backfills the CHS workbooks in a folder into trust_metrics and logs what it did.

.DESCRIPTION
    Drop new or revised monthly workbooks into the folder and schedule this script (cron, systemd timer,
    Task Scheduler). Every run gives the whole folder to Invoke-CommunityBackfill, which hashes each file
    and reads only those the database's load ledger has not loaded already: a new month is loaded alone, a
    revised edition of a month is loaded as the new edition, and a run over an unchanged folder reads no
    workbook and writes only its ledger rows, so re-running is always safe. -Force reads everything again.

    Each run appends timestamped lines (UTC) to -LogPath: the database as user@host:port/database, every
    workbook read or skipped, the summary, the run's ledger rows (file, month, edition, outcome), and one
    line per failure naming the file or month. The connection string
    and password never reach the log.

    Exit status: 0 when every workbook was read and every month written (or unchanged); 1 otherwise.

    The module is imported from the repository beside this folder if there is one, else by name (an
    installed module, see Install-PSResource in the README).

.EXAMPLE
    pwsh -NonInteractive -File examples/Invoke-ScheduledRefresh.ps1 -WorkbookFolder /data/chs -LogPath /var/log/nhscommunity/refresh.log

.EXAMPLE
    # crontab: 06:30 on the 15th of each month, database from the environment
    30 6 15 * * NHSCOMMUNITY_CONNECTION='Host=db.example;Database=nhs;Username=loader' pwsh -NonInteractive -File /opt/nhscommunity/examples/Invoke-ScheduledRefresh.ps1 -WorkbookFolder /data/chs -LogPath /var/log/nhscommunity/refresh.log
#>
[CmdletBinding()]
param(
    # The folder the monthly workbooks are saved in (.xlsx; subfolders are not searched).
    [Parameter(Mandatory)]
    [string] $WorkbookFolder,

    # The log file; created if missing, appended to otherwise.
    [Parameter(Mandatory)]
    [string] $LogPath,

    # Npgsql connection string; by default NHSCOMMUNITY_CONNECTION (or the PG* variables) decides.
    [string] $ConnectionString = $env:NHSCOMMUNITY_CONNECTION,

    # Read every workbook again, also those the load ledger has loaded already.
    [switch] $Force
)

$LogPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LogPath)
$WorkbookFolder = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($WorkbookFolder)
$logFolder = Split-Path -Parent $LogPath
if ($logFolder -and -not (Test-Path -LiteralPath $logFolder)) { $null = New-Item -ItemType Directory -Path $logFolder }

function Write-RefreshLog([string] $Message) {
    $line = '{0} {1}' -f (Get-Date -AsUTC -Format 'yyyy-MM-ddTHH:mm:ssZ'), $Message
    Add-Content -LiteralPath $LogPath -Value $line -Encoding utf8
    Write-Verbose $line
}

try {
    Write-RefreshLog "Refresh started: $WorkbookFolder"
    if (-not (Test-Path -LiteralPath $WorkbookFolder -PathType Container)) {
        Write-RefreshLog "FAILED: the workbook folder '$WorkbookFolder' does not exist"
        exit 1
    }

    if (-not (Get-Command Invoke-CommunityBackfill -ErrorAction Ignore)) {
        $manifest = Join-Path $PSScriptRoot '..' 'NhsCommunity.psd1'
        if (Test-Path -LiteralPath $manifest) { Import-Module $manifest -ErrorAction Stop }
        else { Import-Module NhsCommunity -ErrorAction Stop }
    }

    $backfill = @{ Path = $WorkbookFolder; ErrorVariable = 'problems'; Verbose = $true; Force = $Force }
    $database = @{}
    if ($ConnectionString) { $database.ConnectionString = $ConnectionString }

    # Verbose records (4>&1) come back beside the summary: the workbooks read and the database used.
    $summary = $null
    Invoke-CommunityBackfill @backfill @database 4>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.VerboseRecord]) {
            if ($_.Message -like 'Read *' -or $_.Message -like '* not read: *' -or $_.Message -like 'Database:*') { Write-RefreshLog $_.Message }
        }
        else { $summary = $_ }
    }

    foreach ($problem in $problems) {
        Write-RefreshLog ('ERROR {0}: {1} ({2})' -f $problem.FullyQualifiedErrorId.Split(',')[0], $problem.Exception.Message, $problem.TargetObject)
    }

    if ($null -eq $summary) {
        Write-RefreshLog 'FAILED: the backfill returned no summary'
        exit 1
    }

    Write-RefreshLog ('Backfill {0} into {1}: files {2} read, {3} failed, {12} already loaded; months [{4}] {5} written, {6} failed; trusts {7} updated, {8} unchanged, {9} inserted, {10} not in trust_metrics; {11:0.0} s' -f
        $summary.RunId, $summary.Database, $summary.FilesRead, $summary.FilesFailed, $summary.Periods, $summary.MonthsWritten,
        $summary.MonthsFailed, $summary.TrustsUpdated, $summary.TrustsUnchanged, $summary.TrustsInserted, $summary.TrustsNotInDatabase,
        $summary.Duration.TotalSeconds, $summary.FilesAlreadyLoaded)

    # The run's rows of the load ledger: which file (and which edition of its month) did what.
    foreach ($load in Get-CommunityLoad -RunId $summary.RunId @database -ErrorAction Continue) {
        Write-RefreshLog ('Ledger: {0} {1} published {2:yyyy-MM-dd}: {3} (SHA-256 {4}){5}' -f
            $load.FileName, $load.Period, $load.Published, $load.Outcome, $load.Sha256, $(if ($load.Reason) { "; $($load.Reason)" }))
    }
    foreach ($failure in $summary.Failures) {
        Write-RefreshLog "FAILED: $failure"
    }

    Write-RefreshLog ('Refresh finished: exit {0}' -f $summary.ExitCode)
    exit $summary.ExitCode
}
catch {
    # Terminating errors (no database, bad connection settings, locked backfill): the module's messages
    # name the database as user@host:port/database and never carry the connection string.
    Write-RefreshLog ('FAILED: {0}: {1}' -f $_.FullyQualifiedErrorId.Split(',')[0], $_.Exception.Message)
    exit 1
}
