# examples/Invoke-ScheduledRefresh.ps1 as a scheduler runs it: a new pwsh, -NonInteractive -File.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $Script = Join-Path $RepositoryRoot 'examples' 'Invoke-ScheduledRefresh.ps1'

    # A folder of two months of workbooks, as a user saves them.
    function New-WorkbookFolder([string[]] $Months) {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        foreach ($month in $Months) {
            $GeneratedWorkbooks | Where-Object Name -like "*-$month.xlsx" | Copy-Item -Destination $folder
        }
        $folder.FullName
    }

    function Invoke-Refresh([string] $Folder, [string] $Log, [string] $Connection, [switch] $AsParameter) {
        $arguments = @('-File', $Script, '-WorkbookFolder', $Folder, '-LogPath', $Log)
        if ($AsParameter) { Invoke-ChildPwsh -ArgumentList ($arguments + @('-ConnectionString', $Connection)) }
        else { Invoke-ChildPwsh -ArgumentList $arguments -Environment @{ NHSCOMMUNITY_CONNECTION = $Connection } }
    }

    function Get-WrittenCount([string] $Connection) {
        [int](Invoke-TestSql $Connection "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL")
    }
}

Describe 'Invoke-ScheduledRefresh.ps1' -Tag IntegrationTests {
    It 'writes the months, logs each step with a UTC time, keeps the password out, and a re-run changes nothing' {
        $folder = New-WorkbookFolder '2025-26-April', '2025-26-May'
        $log = Join-Path $TestDrive 'logs' 'refresh.log'
        $connection = (New-TestDatabase -From Seeded) + ';Password=not-for-the-log-5e1f'

        $first = Invoke-Refresh $folder $log $connection

        $first.ExitCode | Should -Be 0 -Because ($first.Output -join "`n")
        $lines = @(Get-Content -LiteralPath $log)
        $lines | ForEach-Object { $_ | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \S' }
        foreach ($file in Get-ChildItem -LiteralPath $folder) {
            $lines | Where-Object { $_ -like "*Read '$($file.FullName)'*" } | Should -Not -BeNullOrEmpty -Because $file.Name
        }
        $written = Get-WrittenCount $connection
        $written | Should -BeGreaterThan 200
        $lines | Where-Object { $_ -like "*trusts $written updated, 0 unchanged*" } | Should -Not -BeNullOrEmpty
        $lines[-1] | Should -BeLike '*Refresh finished: exit 0'
        Get-Content -Raw -LiteralPath $log | Should -Not -Match 'not-for-the-log'

        $second = Invoke-Refresh $folder $log $connection

        $second.ExitCode | Should -Be 0
        $rerun = @(Get-Content -LiteralPath $log) | Select-Object -Skip $lines.Count
        $rerun | Where-Object { $_ -like '*files 0 read, 0 failed, 2 already loaded; months ?? 0 written*' } | Should -Not -BeNullOrEmpty
        @($rerun | Where-Object { $_ -like '*Ledger: *: AlreadyLoaded (SHA-256 *' }).Count | Should -Be 2
        Get-WrittenCount $connection | Should -Be $written
    }

    It 'loads a new month alone, then a revised edition of a month as the new edition, and -Force reads everything' {
        $folder = New-WorkbookFolder '2025-26-April'
        $log = Join-Path $TestDrive 'incremental.log'
        $connection = New-TestDatabase -From Seeded
        (Invoke-Refresh $folder $log $connection).ExitCode | Should -Be 0

        # May arrives: April is not read again.
        New-WorkbookFolder '2025-26-May' | Get-ChildItem | Copy-Item -Destination $folder
        $before = @(Get-Content -LiteralPath $log).Count
        (Invoke-Refresh $folder $log $connection).ExitCode | Should -Be 0
        $may = @(Get-Content -LiteralPath $log) | Select-Object -Skip $before
        $may | Where-Object { $_ -like '*files 1 read, 0 failed, 1 already loaded*' } | Should -Not -BeNullOrEmpty
        $may | Where-Object { $_ -like '*Ledger: *-May.xlsx 2025-05 published *: Loaded (SHA-256 *' } | Should -Not -BeNullOrEmpty
        $may | Where-Object { $_ -like '*Ledger: *-April.xlsx 2025-04 published *: AlreadyLoaded (SHA-256 *' } | Should -Not -BeNullOrEmpty

        # A revised edition of April (other figures, a later revision date on its Cover page) is dropped in: read
        # alone, and being the later edition it is what the table shows.
        $april = Get-ChildItem -LiteralPath $folder -Filter '*April.xlsx'
        Get-ChildItem -LiteralPath $env:NHSCOMMUNITY_TEST_REVISIONS -Filter '*April-revised.xlsx' | Copy-Item -Destination $folder
        $figures = Invoke-TestSql $connection "SELECT md5(string_agg(community_data::text, ',' ORDER BY trust_code)) FROM trust_metrics WHERE period = '2025-04-01'"
        $before = @(Get-Content -LiteralPath $log).Count
        (Invoke-Refresh $folder $log $connection).ExitCode | Should -Be 0
        $third = @(Get-Content -LiteralPath $log) | Select-Object -Skip $before
        $third | Where-Object { $_ -like '*files 1 read, 0 failed, 2 already loaded*' } | Should -Not -BeNullOrEmpty
        $third | Where-Object { $_ -like '*Ledger: *-April-revised.xlsx 2025-04 published *: Loaded (SHA-256 *' } | Should -Not -BeNullOrEmpty
        Invoke-TestSql $connection "SELECT md5(string_agg(community_data::text, ',' ORDER BY trust_code)) FROM trust_metrics WHERE period = '2025-04-01'" |
            Should -Not -Be $figures

        # -Force: every file read again; the older April edition is Superseded by the revision.
        $before = @(Get-Content -LiteralPath $log).Count
        $forced = Invoke-ChildPwsh -ArgumentList @('-File', $Script, '-WorkbookFolder', $folder, '-LogPath', $log, '-Force') -Environment @{ NHSCOMMUNITY_CONNECTION = $connection }
        $forced.ExitCode | Should -Be 0
        $all = @(Get-Content -LiteralPath $log) | Select-Object -Skip $before
        $all | Where-Object { $_ -like '*files 3 read, 0 failed, 0 already loaded*' } | Should -Not -BeNullOrEmpty
        $all | Where-Object { $_ -like "*Ledger: $($april.Name) 2025-04 published *: Superseded*" } | Should -Not -BeNullOrEmpty
    }

    It 'fails the run on a corrupt workbook, names it in the log, and still writes the good one' {
        $folder = New-WorkbookFolder '2025-26-April'
        $corrupt = 'Community-health-services-waiting-lists-2025-26-May.xlsx'
        Set-Content -LiteralPath (Join-Path $folder $corrupt) -Value '<html>not a workbook</html>'
        $log = Join-Path $TestDrive 'corrupt.log'
        $connection = New-TestDatabase -From Seeded

        $run = Invoke-Refresh $folder $log $connection -AsParameter

        $run.ExitCode | Should -Be 1
        $lines = @(Get-Content -LiteralPath $log)
        $lines | Where-Object { $_ -like "*FAILED: $corrupt*" } | Should -Not -BeNullOrEmpty
        $lines[-1] | Should -BeLike '*Refresh finished: exit 1'
        $april = [int](Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL AND period = '2025-04-01'")
        $april | Should -BeGreaterThan 100
        Get-WrittenCount $connection | Should -Be $april
    }

    It 'fails on an unreachable database and never logs the connection string' {
        $folder = New-WorkbookFolder '2025-26-April'
        $log = Join-Path $TestDrive 'unreachable.log'

        $run = Invoke-Refresh $folder $log 'Host=127.0.0.1;Port=1;Username=loader;Password=hunter2-secret;Timeout=3' -AsParameter

        $run.ExitCode | Should -Be 1
        $text = Get-Content -Raw -LiteralPath $log
        $text | Should -Match 'FAILED: InvokeCommunityBackfillDatabaseUnavailable'
        $text | Should -Not -Match 'hunter2'
        ($run.Output -join "`n") | Should -Not -Match 'hunter2'
    }
}
