<#
    One measured pass in a fresh pwsh, as a user meets the module: Import-Module, then one call (first call,
    JIT included), each timed with a Stopwatch. Prints one line of JSON. Started by the import and backfill
    benchmarks as `pwsh -NoProfile -NonInteractive -File Measure-Once.ps1 -Mode ...`.

    Start     nothing: pwsh's own start-up, to compare with Load
    Load      Import-Module only
    Import    $records = Import-CommunityWorkbook of the files in -ListFile (as at the prompt; count = records)
    Stream    the same import piped to Out-Null, which drops each record as it comes: memory must not grow with files
    Backfill  Import-CommunityWorkbook | ConvertTo-CommunityJsonb | Update-TrustMetrics (database from NHSCOMMUNITY_CONNECTION)
#>
param(
    [Parameter(Mandatory)]
    [ValidateSet('Start', 'Load', 'Import', 'Stream', 'Backfill')]
    [string] $Mode,

    [string] $Manifest,

    [string] $ListFile
)

$ErrorActionPreference = 'Stop'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
if ($Mode -ne 'Start') {
    Import-Module $Manifest
}
$loadMs = $clock.Elapsed.TotalMilliseconds

$self = [System.Diagnostics.Process]::GetCurrentProcess()
$cpuBefore = $self.TotalProcessorTime
$jitBefore = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$jitTimeBefore = [System.Runtime.JitInfo]::GetCompilationTime($false)
$clock.Restart()
$count = 0
if ($Mode -eq 'Import') {
    $files = [System.IO.File]::ReadAllLines($ListFile)
    $records = Import-CommunityWorkbook -LiteralPath $files
    $count = $records.Count
}
elseif ($Mode -eq 'Stream') {
    $files = [System.IO.File]::ReadAllLines($ListFile)
    Import-CommunityWorkbook -LiteralPath $files | Out-Null
}
elseif ($Mode -eq 'Backfill') {
    $files = [System.IO.File]::ReadAllLines($ListFile)
    if ($env:NHSCOMMUNITY_BENCH_STAGES) {
        # Profiling aid: the three stages one after another (not streamed), each stage's wall, CPU and JIT count appended to that file.
        $stage = [System.Diagnostics.Stopwatch]::StartNew()
        $mark = {
            param($name)
            $self.Refresh()
            $jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
            Add-Content $env:NHSCOMMUNITY_BENCH_STAGES ('{0} {1:F0} ms, cpu {2:F0} ms, jit {3}' -f $name, $stage.Elapsed.TotalMilliseconds, ($self.TotalProcessorTime - $script:stageCpu).TotalMilliseconds, ($jit - $script:stageJit))
            $script:stageCpu = $self.TotalProcessorTime
            $script:stageJit = $jit
            $stage.Restart()
        }
        $script:stageCpu = $self.TotalProcessorTime
        $script:stageJit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        $records = Import-CommunityWorkbook -LiteralPath $files; & $mark 'import'
        $documents = $records | ConvertTo-CommunityJsonb; & $mark 'convert'
        $results = $documents | Update-TrustMetrics; & $mark 'update'
    }
    else {
        $results = Import-CommunityWorkbook -LiteralPath $files | ConvertTo-CommunityJsonb | Update-TrustMetrics
    }
    $count = $results.Count
}
$callMs = $clock.Elapsed.TotalMilliseconds
$jitAfter = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$jitTimeAfter = [System.Runtime.JitInfo]::GetCompilationTime($false)
$self.Refresh()
$callCpuMs = ($self.TotalProcessorTime - $cpuBefore).TotalMilliseconds
[ordered]@{
    loadMs     = $loadMs
    callMs     = $callMs
    callCpuMs  = $callCpuMs
    count      = $count
    cpuMs      = $self.TotalProcessorTime.TotalMilliseconds
    peakBytes  = $self.PeakWorkingSet64
    jitMethods = $jitAfter - $jitBefore
    jitMs      = ($jitTimeAfter - $jitTimeBefore).TotalMilliseconds
} | ConvertTo-Json -Compress
