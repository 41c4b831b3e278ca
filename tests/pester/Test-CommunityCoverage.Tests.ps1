BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Test-CommunityCoverage'
}

Describe 'Test-CommunityCoverage' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('AsMatrix', 'AsOf', 'Column', 'ConnectionString', 'Credential', 'DataType', 'From', 'Path', 'TimeoutSeconds', 'To', 'TrustCode')
    }

    It 'takes trust codes from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('TrustCode ByPropertyName')
    }

    It 'declares its output types' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Coverage.CoverageReport', 'System.Management.Automation.PSObject')
    }
}

Describe 'Test-CommunityCoverage' -Tag IntegrationTests {
    BeforeAll {
        $connection = New-TestDatabase -From Backfilled
        $report = Test-CommunityCoverage -ConnectionString $connection
        $rowsWithData = [int](Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL")
    }

    It 'reports every trust and month of trust_metrics, and passes on a clean backfill' {
        $report.Rows | Should -Be ([int](Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics"))
        $report.Periods | Should -Be 12
        $report.Passed | Should -BeTrue
        $report.Errors | Should -Be 0
        @($report.Coverage | Where-Object HasData).Count | Should -Be $rowsWithData
    }

    It 'gives one matrix row per trust with a column per month' {
        $matrix = @(Test-CommunityCoverage -ConnectionString $connection -AsMatrix)
        $matrix.Count | Should -Be $report.Trusts
        $matrix[0].PSObject.Properties.Name | Should -Contain '2024-08'
        $matrix[0].PSObject.Properties.Name | Should -Contain '2025-07'
    }

    It 'limits the report to -TrustCode and to -From/-To' {
        $code = $report.Coverage[0].TrustCode
        $one = Test-CommunityCoverage -ConnectionString $connection -TrustCode $code -From 2025-01-01 -To 2025-03-01
        ($one.Coverage.TrustCode | Sort-Object -Unique) | Should -Be $code
        $one.Periods | Should -Be 3
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object on the report, its rows and its findings' {
        Assert-Shapeable -InputObject @($report) -GroupProperty Passed -SortProperty Rows
        Assert-Shapeable -InputObject @($report.Coverage | Select-Object -First 300) -GroupProperty Period -SortProperty TotalWaiting
        Assert-Shapeable -InputObject @($report.Findings) -GroupProperty Check -SortProperty TrustCode
    }

    It 'says which database with -Verbose' {
        $parts = ConvertFrom-ConnectionString $connection
        $verbose = @(Test-CommunityCoverage -ConnectionString $connection -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Database: postgres@127.0.0.1:$($parts.port)/$($parts.database)"
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Test-CommunityCoverage -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'TestCommunityCoverageDatabaseUnavailable,NhsCommunity.Commands.TestCommunityCoverageCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
