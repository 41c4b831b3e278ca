BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Restore-TrustMetrics'
}

Describe 'Restore-TrustMetrics' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('ConnectionString', 'Credential', 'Force', 'RunId', 'TimeoutSeconds')
    }

    It 'takes a run id from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('RunId ByPropertyName')
        Get-MandatoryParameter $CommandName | Should -Be @('RunId')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Database.TrustMetricsRestoreResult')
    }
}

Describe 'Restore-TrustMetrics' -Tag IntegrationTests {
    BeforeAll {
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $documents = @(Import-CommunityWorkbook -LiteralPath $july.FullName | ConvertTo-CommunityJsonb)
        function Get-RowVersion([string] $Connection) {
            Invoke-TestSql $Connection "SELECT string_agg(trust_code || period::text || coalesce(community_data::text, 'NULL'), ',' ORDER BY trust_code, period) FROM trust_metrics"
        }
    }

    It 'puts back what Update-TrustMetrics overwrote when its results are piped in' {
        $connection = New-TestDatabase -From Seeded
        $before = Get-RowVersion $connection
        $results = @($documents | Update-TrustMetrics -ConnectionString $connection)
        Get-RowVersion $connection | Should -Not -Be $before

        $restored = @($results | Restore-TrustMetrics -ConnectionString $connection -Confirm:$false)
        ($restored.RunId | Sort-Object -Unique) | Should -Be ($results.RunId | Sort-Object -Unique)
        Get-RowVersion $connection | Should -Be $before
    }

    It 'undoes a write in the same pipeline (Update-TrustMetrics still holds the lease while it streams)' {
        $connection = New-TestDatabase -From Seeded
        $before = Get-RowVersion $connection
        $restored = @($documents | Update-TrustMetrics -ConnectionString $connection |
            Restore-TrustMetrics -ConnectionString $connection -TimeoutSeconds 5 -Confirm:$false -ErrorVariable problems)
        # A restore that started while Update-TrustMetrics held the lease would fail with BackfillLocked.
        $problems | Should -BeNullOrEmpty
        $restored.Count | Should -BeGreaterThan 0
        Get-RowVersion $connection | Should -Be $before
    }

    It 'puts back what Invoke-CommunityBackfill overwrote when its summary is piped in' {
        $connection = New-TestDatabase -From Seeded
        $before = Get-RowVersion $connection
        $summary = Invoke-CommunityBackfill -LiteralPath $july.FullName -ConnectionString $connection
        $null = $summary | Restore-TrustMetrics -ConnectionString $connection -Confirm:$false
        Get-RowVersion $connection | Should -Be $before
    }

    It 'changes nothing with -WhatIf' {
        $connection = New-TestDatabase -From Seeded
        $results = @($documents | Update-TrustMetrics -ConnectionString $connection)
        $after = Get-RowVersion $connection
        $null = $results | Restore-TrustMetrics -ConnectionString $connection -WhatIf
        Get-RowVersion $connection | Should -Be $after
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        $connection = New-TestDatabase -From Seeded
        $results = @($documents | Update-TrustMetrics -ConnectionString $connection)
        $restored = @($results | Select-Object -First 1 | Restore-TrustMetrics -ConnectionString $connection -Confirm:$false)
        Assert-Shapeable -InputObject $restored -GroupProperty Status -SortProperty TrustCode
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Restore-TrustMetrics -RunId ([guid]::NewGuid()) -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'RestoreTrustMetricsDatabaseUnavailable,NhsCommunity.Commands.RestoreTrustMetricsCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
