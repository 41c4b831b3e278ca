# Every example in every cmdlet's help, run as an analyst would paste it into a new pwsh: in a folder whose
# ./chs holds NHS England's workbooks as downloaded (the real ones in the shared data), with those workbooks
# backfilled over the trust_metrics fixture in NHSCOMMUNITY_CONNECTION, answering yes to every question and
# typing a password when asked. Each must finish without an error and produce output: printed lines or new
# files. Pester/PesterSuiteTests skips this file when the shared data is absent.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'NhsCommunity.psd1') -Force
    # Examples that fail on today's module and data, and why. Remove an entry when its example is fixed:
    # the test then runs it.
    $KnownFailing = @{}
    $Examples = foreach ($command in Get-Command -Module NhsCommunity | Sort-Object Name) {
        $number = 0
        foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
            $number++
            $key = "$($command.Name) #$number"
            if ($env:NHSCOMMUNITY_TEST_REAL_WORKBOOKS -and -not $KnownFailing.ContainsKey($key)) {
                @{ Command = $command.Name; Number = $number; Code = $example.code; Key = $key }
            }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A fresh folder per example: its ./chs links to the real workbooks.
    function New-AnalystFolder {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        $chs = New-Item -ItemType Directory -Path (Join-Path $folder 'chs')
        foreach ($workbook in Get-ChildItem -LiteralPath $env:NHSCOMMUNITY_TEST_REAL_WORKBOOKS -Filter *.xlsx) {
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $chs $workbook.Name) -Target $workbook.FullName
        }
        $folder.FullName
    }
}

Describe 'Help examples' -Tag IntegrationTests {
    It '<Key> runs against the real workbooks and produces output' -ForEach $Examples {
        $folder = New-AnalystFolder
        $before = @(Get-ChildItem -LiteralPath $folder -Recurse -Force).Count
        $connection = New-TestDatabase -From RealBackfilled
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
