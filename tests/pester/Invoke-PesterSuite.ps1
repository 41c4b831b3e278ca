#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester journeys in this folder against the built module, in this pwsh.

.DESCRIPTION
    The xUnit class Pester/PesterSuiteTests (tests/NhsCommunity.Tests) runs this script once per test run,
    after it has started the throw-away PostgreSQL cluster and written the generated workbooks, and hands
    them over in NHSCOMMUNITY_TEST_* variables (see TestSupport.ps1). Run it through that class:

        dotnet test tests/NhsCommunity.Tests -c Release --filter "FullyQualifiedName~PesterSuite"

    Writes NUnit XML (results.xml) and a summary of every file's tests (summary.json) to -ResultDirectory.
    Exit code: the number of failed tests and containers (0 when all passed).
#>
param(
    # Pester.psd1 of the Pester 5.7.1 package (restored by the test project's PackageDownload).
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    # Test files or folders; by default every *.Tests.ps1 here.
    [string[]] $Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'
# pwsh -File passes 'a,b' as one word.
$Path = @($Path -split ',' | Where-Object { $_ })
Import-Module $PesterModule -Force
# Plain text in this pwsh and the ones it starts: the NUnit XML cannot hold ANSI escapes.
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultDirectory 'results.xml'
$result = Invoke-Pester -Configuration $configuration

function Get-BlockTest($Block) {
    $Block.Tests
    foreach ($child in $Block.Blocks) { Get-BlockTest $child }
}

# One entry per test file, with every test that did not pass and why: the xUnit side reads this.
$files = foreach ($container in $result.Containers) {
    $tests = @($container.Blocks | ForEach-Object { Get-BlockTest $_ })
    [pscustomobject]@{
        File      = $container.Item.FullName
        Result    = $container.Result
        Error     = @($container.ErrorRecord | ForEach-Object { "$_`n$($_.ScriptStackTrace)" }) -join "`n"
        Passed    = @($tests | Where-Object Result -eq 'Passed').Count
        Failed    = @($tests | Where-Object Result -eq 'Failed' | ForEach-Object {
                [pscustomobject]@{ Name = $_.ExpandedPath; Error = @($_.ErrorRecord | ForEach-Object { "$_`n$($_.ScriptStackTrace)" }) -join "`n" }
            })
        Skipped   = @($tests | Where-Object { $_.Result -in 'Skipped', 'NotRun', 'Inconclusive' } | ForEach-Object ExpandedPath)
        Seconds   = [math]::Round($container.Duration.TotalSeconds, 1)
    }
}
$files | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $ResultDirectory 'summary.json') -Encoding utf8
exit ($result.FailedCount + $result.FailedContainersCount)
