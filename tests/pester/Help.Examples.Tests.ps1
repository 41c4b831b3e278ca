# Every example in every cmdlet's help, run as an analyst would paste it into a new pwsh: in a folder of
# generated workbooks (August 2024, January 2025 and July 2025 in ./data, ./workbooks and the folder
# itself; the 2024-25 ones in ./2024-25), with a backfilled year in NHSCOMMUNITY_CONNECTION (and the
# $env:SUPABASE_* names the examples use), answering yes to every question and typing a password when
# asked. Each must finish without an error and produce output: printed lines or new files.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'NhsCommunity.psd1') -Force
    # Examples that fail on today's module and data, and why. Remove an entry when its example is fixed:
    # the test then runs it.
    $KnownFailing = @{
        'ConvertTo-CommunityJsonb #3' = 'uses RGT, which has no community data'
        'Export-CommunityReport #2'   = "uses RGT and R0A; fails with a bare 'Sequence contains no elements'"
        'Get-CommunityWaitingList #3' = 'uses RGT, which has no community data'
        'Get-TrustMapping #3'         = 'finds no name differences in generated data, so writes no file'
        'Invoke-CommunityBackfill #2' = 'connects to the placeholder host db.example.supabase.co although -WhatIf'
        'Invoke-CommunityBackfill #4' = 'restores a run that wrote nothing (the year is already there), which is an error'
        'Restore-TrustMetrics #1'     = 'restores a placeholder run id'
        'Restore-TrustMetrics #2'     = 'Update-TrustMetrics | Restore-TrustMetrics waits for the lease its own pipeline holds'
        'Test-CommunityCoverage #1'   = 'prints only when a check fails'
        'Test-CommunityCoverage #3'   = 'prints only SourceMismatch findings, which generated data has none of'
        'Test-CommunityWorkbook #1'   = 'prints only BandSum findings, which generated data has none of'
        'Test-CommunityWorkbook #2'   = 'prints only errors, which generated data has none of'
        'Test-CommunityWorkbook #3'   = 'uses a Windows path (C:\Downloads)'
        'Update-TrustMetrics #4'      = "needs example 3's `$results"
    }
    $Examples = foreach ($command in Get-Command -Module NhsCommunity | Sort-Object Name) {
        $number = 0
        foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
            $number++
            $key = "$($command.Name) #$number"
            if (-not $KnownFailing.ContainsKey($key)) {
                @{ Command = $command.Name; Number = $number; Code = $example.code; Key = $key }
            }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A fresh folder and database per example: the folders link to the generated workbooks.
    function New-AnalystFolder {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        foreach ($sub in 'data', 'workbooks', '2024-25') { $null = New-Item -ItemType Directory -Path (Join-Path $folder $sub) }
        $sample = $GeneratedWorkbooks | Where-Object Name -match '-(2024-25-August|2024-25-January|2025-26-July)\.xlsx$'
        foreach ($workbook in $sample) {
            $targets = @('data', 'workbooks', '.')
            if ($workbook.Name -like '*-2024-25-*') { $targets += '2024-25' }
            foreach ($target in $targets) {
                $null = New-Item -ItemType SymbolicLink -Path (Join-Path $folder $target $workbook.Name) -Target $workbook.FullName
            }
        }
        $july = $GeneratedWorkbooks | Where-Object Name -like '*-2025-26-July.xlsx'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'July.xlsx') -Target $july.FullName
        $folder.FullName
    }
}

Describe 'Help examples' -Tag IntegrationTests {
    It '<Key> runs against generated data and produces output' -ForEach $Examples {
        $folder = New-AnalystFolder
        $before = @(Get-ChildItem -LiteralPath $folder -Recurse -Force).Count
        $connection = New-TestDatabase -From Backfilled
        $script = Join-Path $TestDrive "$($Command)-$($Number).ps1"
        # Where the example would ask, the analyst answers: a password for Get-Credential, yes to -Confirm.
        @"
Import-Module '$Manifest' -ErrorAction Stop
function Get-Credential([string] `$UserName = 'postgres') { [pscredential]::new(`$UserName, (ConvertTo-SecureString 'typed-at-the-prompt' -AsPlainText -Force)) }
`$ConfirmPreference = 'None'
Set-Location -LiteralPath '$folder'
$Code
"@ | Set-Content -LiteralPath $script -Encoding utf8

        $run = Invoke-ChildPwsh -ArgumentList '-File', $script -Environment @{
            NHSCOMMUNITY_CONNECTION = $connection; SUPABASE_DB = $connection; SUPABASE_SESSION = $connection
        }

        $report = "exit $($run.ExitCode)`n" + ($run.Output -join "`n")
        $run.ExitCode | Should -Be 0 -Because $report
        $run.Errors | Should -BeNullOrEmpty -Because $report
        $after = @(Get-ChildItem -LiteralPath $folder -Recurse -Force).Count
        ($run.Output.Count + $after - $before) | Should -BeGreaterThan 0 -Because "the example printed nothing and wrote no file`n$report"
    }
}
