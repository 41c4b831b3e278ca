BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Get-CommunityHistory'
}

Describe 'Get-CommunityHistory' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('Column', 'ConnectionString', 'Credential', 'DataType', 'Period', 'TimeoutSeconds', 'TrustCode')
    }

    It 'takes trust codes and periods from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('Period ByPropertyName', 'TrustCode ByPropertyName')
        Get-MandatoryParameter $CommandName | Should -Be @('TrustCode')
    }

    It 'declares its output type and shows versions and band changes as tables' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Ledger.HistoryVersion')
        (Get-FormatData NhsCommunity.Ledger.HistoryVersion).FormatViewDefinition.Control.GetType().Name | Should -Be 'TableControl'
        (Get-FormatData NhsCommunity.Ledger.BandChange).FormatViewDefinition.Control.GetType().Name | Should -Be 'TableControl'
    }
}

Describe 'Get-CommunityHistory' -Tag IntegrationTests {
    BeforeAll {
        $april = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-April.xlsx'
        $revised = Get-ChildItem -LiteralPath $env:NHSCOMMUNITY_TEST_REVISIONS -Filter '*April-revised.xlsx'
    }

    It 'shows the value before, each edition, and the revision''s changes band by band as the workbooks differ' {
        $connection = New-TestDatabase -From Seeded
        $first = Invoke-CommunityBackfill -LiteralPath $april.FullName -ConnectionString $connection
        $second = Invoke-CommunityBackfill -LiteralPath $revised.FullName -ConnectionString $connection

        # A trust whose figures the revision changed, and the cells of both editions, read by the importer alone.
        $old = @(Import-CommunityWorkbook -LiteralPath $april.FullName)
        $new = @(Import-CommunityWorkbook -LiteralPath $revised.FullName)
        $trust = ($new | Where-Object OrganisationCode -match '^R' | Select-Object -First 1).OrganisationCode

        $versions = @(Get-CommunityHistory -TrustCode $trust -Period 2025-04 -ConnectionString $connection)
        $versions.Kind | Should -Be @('Before', 'Write', 'Write')
        $versions[1].RunId | Should -Be $first.RunId
        $versions[2].RunId | Should -Be $second.RunId
        $versions[2].SourceFile | Should -Be $revised.Name
        $versions[1].ValidTo | Should -Be $versions[2].ValidFrom
        $versions[2].ValidTo | Should -BeNullOrEmpty

        # Every total the revision changed for that trust is among the changes, with both values.
        # A service key can be both adult and CYP (audiology): a service is its category and key.
        $section = @{ Adult = 'adult_services'; CYP = 'cyp_services' }
        $keys = @($old; $new) | Where-Object OrganisationCode -eq $trust | ForEach-Object { "$($section["$($_.Category)"]) $($_.ServiceKey)" } | Sort-Object -Unique
        $totals = foreach ($key in $keys) {
            $was = ($old | Where-Object { $_.OrganisationCode -eq $trust -and "$($section["$($_.Category)"]) $($_.ServiceKey)" -eq $key }).TotalWaiting
            $now = ($new | Where-Object { $_.OrganisationCode -eq $trust -and "$($section["$($_.Category)"]) $($_.ServiceKey)" -eq $key }).TotalWaiting
            if ($was -ne $now) { "$key $was $now" }
        }
        $totals | Should -Not -BeNullOrEmpty
        $changed = $versions[2].Changes | Where-Object Band -eq 'total_waiting' | ForEach-Object { "$($_.Category) $($_.Service) $($_.OldValue) $($_.NewValue)" }
        $changed | Sort-Object | Should -Be ($totals | Sort-Object)
    }

    It 'takes the trust and month from Get-CommunityWaitingList rows, and -AsOf reads the version then' {
        $connection = New-TestDatabase -From Seeded
        $null = Invoke-CommunityBackfill -LiteralPath $april.FullName -ConnectionString $connection
        Start-Sleep -Milliseconds 50
        $between = [DateTimeOffset]::Now
        Start-Sleep -Milliseconds 50
        $null = Invoke-CommunityBackfill -LiteralPath $revised.FullName -ConnectionString $connection

        $row = Get-CommunityWaitingList -Period 2025-04 -ConnectionString $connection | Select-Object -First 1
        @($row | Get-CommunityHistory -ConnectionString $connection).Count | Should -Be 3

        $then = Get-CommunityWaitingList -Period 2025-04 -TrustCode $row.TrustCode -ServiceKey $row.ServiceKey -AsOf $between -ConnectionString $connection
        $expected = Import-CommunityWorkbook -LiteralPath $april.FullName | Where-Object { $_.OrganisationCode -eq $row.TrustCode -and $_.ServiceKey -eq $row.ServiceKey }
        $then.TotalWaiting | Should -Be $expected.TotalWaiting
        (Test-CommunityCoverage -From 2025-04 -To 2025-04 -AsOf $between -ConnectionString $connection).Rows | Should -BeGreaterThan 0
    }

    It 'refuses -AsOf on a database without history, saying why' {
        $connection = New-TestDatabase -From Seeded
        { Get-CommunityWaitingList -AsOf ([DateTimeOffset]::Now) -ConnectionString $connection -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetCommunityWaitingListNoHistory,NhsCommunity.Commands.GetCommunityWaitingListCommand'
    }
}
