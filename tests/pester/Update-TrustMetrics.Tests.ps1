BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Update-TrustMetrics'
}

Describe 'Update-TrustMetrics' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('AddMissingRows', 'Column', 'ConnectionString', 'Credential', 'DataType', 'Json', 'MaxAttempts', 'Period', 'RunId', 'TimeoutSeconds', 'TrustCode', 'TrustName')
    }

    It 'takes documents from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('Json ByPropertyName', 'Period ByPropertyName', 'TrustCode ByPropertyName', 'TrustName ByPropertyName')
        Get-MandatoryParameter $CommandName | Should -Be @('Json', 'Period', 'TrustCode')
    }

    It 'supports -WhatIf and -Confirm' {
        (Get-Command $CommandName).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command $CommandName).Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Database.TrustMetricsWriteResult')
    }
}

Describe 'Update-TrustMetrics' -Tag IntegrationTests {
    BeforeAll {
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $documents = @(Import-CommunityWorkbook -LiteralPath $july.FullName | ConvertTo-CommunityJsonb)
        function Get-WrittenCount([string] $Connection) {
            [int](Invoke-TestSql $Connection "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL")
        }
    }

    It 'writes nothing with -WhatIf' {
        $connection = New-TestDatabase -From Seeded
        $results = @($documents | Update-TrustMetrics -ConnectionString $connection -WhatIf)
        $results.Count | Should -Be 0
        Get-WrittenCount $connection | Should -Be 0
    }

    It 'asks first when $ConfirmPreference is Low, and writes with -Confirm:$false' {
        $connection = New-TestDatabase -From Seeded
        $ConfirmPreference = 'Low'
        # -NonInteractive: a question that cannot be asked is an error, so nothing is written.
        $failure = Get-ErrorRecord { $documents | Update-TrustMetrics -ConnectionString $connection -ErrorAction Stop }
        $failure | Should -Not -BeNullOrEmpty
        Get-WrittenCount $connection | Should -Be 0

        $results = @($documents | Update-TrustMetrics -ConnectionString $connection -Confirm:$false)
        $ConfirmPreference = 'High'
        @($results | Where-Object { "$($_.Status)" -eq 'Updated' }).Count | Should -Be $documents.Count
        Get-WrittenCount $connection | Should -Be $documents.Count
    }

    It 'writes each document into its row, and a re-run leaves every row unchanged' {
        $connection = New-TestDatabase -From Seeded
        $first = @($documents | Update-TrustMetrics -ConnectionString $connection)
        $second = @($documents | Update-TrustMetrics -ConnectionString $connection)
        ($first.Status | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -Be 'Updated'
        ($second.Status | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -Be 'Unchanged'
        $stored = Invoke-TestSql $connection "SELECT community_data::text FROM trust_metrics WHERE trust_code = '$($documents[0].TrustCode)' AND period = '2025-07-01'"
        ($stored | ConvertFrom-Json).metadata | Should -Not -BeNullOrEmpty
    }

    It 'says what it does with -Verbose' {
        $connection = New-TestDatabase -From Seeded
        $verbose = @($documents | Select-Object -First 2 | Update-TrustMetrics -ConnectionString $connection -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Database: postgres@127.0.0.1:$((ConvertFrom-ConnectionString $connection).port)/$((ConvertFrom-ConnectionString $connection).database)"
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        $connection = New-TestDatabase -From Seeded
        $results = @($documents | Update-TrustMetrics -ConnectionString $connection)
        Assert-Shapeable -InputObject $results -GroupProperty Status -SortProperty TrustCode
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { $documents | Select-Object -First 1 | Update-TrustMetrics -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike '*,NhsCommunity.Commands.UpdateTrustMetricsCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
