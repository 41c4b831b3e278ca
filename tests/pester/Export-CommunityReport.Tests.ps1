BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Export-CommunityReport'
}

Describe 'Export-CommunityReport' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('AsOf', 'Column', 'ConnectionString', 'Credential', 'DataType', 'From', 'InputObject', 'Path', 'TimeoutSeconds', 'To', 'TrustCode', 'WorkbookPath')
    }

    It 'takes a coverage report, or trust codes by property name, from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('InputObject ByValue', 'TrustCode ByPropertyName')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Reports.ReportFile')
    }
}

Describe 'Export-CommunityReport' -Tag IntegrationTests {
    BeforeAll {
        $connection = New-TestDatabase -From Backfilled
        $expected = @('checks.sql', 'coverage_matrix.csv', 'data_quality_report.md', 'report.html')
    }

    It 'writes the four report files from the database' {
        $folder = Join-Path $TestDrive 'from-database'
        $files = @(Export-CommunityReport -Path $folder -ConnectionString $connection)
        ($files.Name | Sort-Object) | Should -Be $expected
        (Get-ChildItem -LiteralPath $folder).Name | Sort-Object | Should -Be $expected
        @(Import-Csv -LiteralPath (Join-Path $folder 'coverage_matrix.csv')).Count | Should -Be ([int](Invoke-TestSql $connection "SELECT count(DISTINCT trust_code) FROM trust_metrics"))
    }

    It 'writes the same files from a report piped in from Test-CommunityCoverage' {
        $folder = Join-Path $TestDrive 'from-report'
        $files = @(Test-CommunityCoverage -ConnectionString $connection | Export-CommunityReport -Path $folder)
        ($files.Name | Sort-Object) | Should -Be $expected
    }

    It 'writes nothing with -WhatIf' {
        $folder = Join-Path $TestDrive 'what-if'
        $null = Export-CommunityReport -Path $folder -ConnectionString $connection -WhatIf
        Test-Path -LiteralPath (Join-Path $folder 'report.html') | Should -BeFalse
    }

    It 'works with Select-Object, Group-Object and Sort-Object on its files' {
        $files = @(Export-CommunityReport -Path (Join-Path $TestDrive 'shaped') -ConnectionString $connection)
        Assert-Shapeable -InputObject $files -GroupProperty Kind -SortProperty Name
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Export-CommunityReport -Path (Join-Path $TestDrive 'unreachable') -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'ExportCommunityReportDatabaseUnavailable,NhsCommunity.Commands.ExportCommunityReportCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
