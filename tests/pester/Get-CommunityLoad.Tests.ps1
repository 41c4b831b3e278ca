BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Get-CommunityLoad'
}

Describe 'Get-CommunityLoad' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('ConnectionString', 'Credential', 'Failed', 'Last', 'Period', 'RunId', 'TimeoutSeconds')
    }

    It 'takes periods and run ids from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('Period ByPropertyName', 'RunId ByPropertyName')
        Get-MandatoryParameter $CommandName | Should -BeNullOrEmpty
    }

    It 'declares its output type and shows it as a table' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Ledger.LoadRecord')
        (Get-FormatData NhsCommunity.Ledger.LoadRecord).FormatViewDefinition.Control.GetType().Name | Should -Be 'TableControl'
    }
}

Describe 'Get-CommunityLoad' -Tag IntegrationTests {
    BeforeAll {
        $april = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-April.xlsx'
        $may = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-May.xlsx'
    }

    It 'shows each run''s rows: the file, its hash, month and edition, outcome and counts' {
        $connection = New-TestDatabase -From Seeded
        $first = Invoke-CommunityBackfill -LiteralPath $april.FullName, $may.FullName -ConnectionString $connection
        $second = Invoke-CommunityBackfill -LiteralPath $april.FullName, $may.FullName -ConnectionString $connection

        $rows = @($first | Get-CommunityLoad -ConnectionString $connection)
        $rows.FileName | Should -Be @($april.Name, $may.Name)
        $rows.Outcome | Should -Be @('Loaded', 'Loaded')
        $rows[0].Sha256 | Should -Be (Get-FileHash -LiteralPath $april.FullName -Algorithm SHA256).Hash
        "$($rows[0].Period)" | Should -Be '2025-04'
        $rows[0].TrustsUpdated | Should -Be ([int](Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics WHERE period = '2025-04-01' AND community_data IS NOT NULL"))
        $rows[0].LoadedBy | Should -Be "$([Environment]::UserName)@$([Environment]::MachineName)"

        @(Get-CommunityLoad -ConnectionString $connection -Last 1).Outcome | Should -Be @('AlreadyLoaded', 'AlreadyLoaded')
        @(Get-CommunityLoad -ConnectionString $connection -Last 1).RunId | Sort-Object -Unique | Should -Be $second.RunId
        @(Get-CommunityLoad -ConnectionString $connection -Period 2025-05).Outcome | Should -Be @('Loaded', 'AlreadyLoaded')
        @(Get-CommunityLoad -ConnectionString $connection -Failed) | Should -BeNullOrEmpty
    }

    It 'lists a file that could not be read with -Failed, with the reason' {
        $connection = New-TestDatabase -From Seeded
        $bad = Join-Path $TestDrive 'Community-health-services-waiting-lists-2025-26-June.xlsx'
        Set-Content -LiteralPath $bad -Value 'not a workbook'
        $summary = Invoke-CommunityBackfill -LiteralPath $bad -ConnectionString $connection -ErrorAction SilentlyContinue
        $summary.ExitCode | Should -Be 1

        $failed = @(Get-CommunityLoad -ConnectionString $connection -Failed)
        $failed.Count | Should -Be 1
        $failed[0].FileName | Should -Be 'Community-health-services-waiting-lists-2025-26-June.xlsx'
        $failed[0].Reason | Should -Not -BeNullOrEmpty
        $failed[0].Period | Should -BeNullOrEmpty
        Invoke-TestSql $connection 'SELECT count(*) FROM community_data_history' | Should -Be '0'
    }

    It 'prints a table and returns nothing from a database no backfill has written to' {
        $connection = New-TestDatabase -From Seeded
        @(Get-CommunityLoad -ConnectionString $connection) | Should -BeNullOrEmpty
        $null = Invoke-CommunityBackfill -LiteralPath $april.FullName -ConnectionString $connection
        (Get-CommunityLoad -ConnectionString $connection | Out-String) | Should -Match 'Outcome[\s\S]+2025-04[\s\S]+Loaded'
    }
}
