BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Get-TrustMapping'
}

Describe 'Get-TrustMapping' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('ConnectionString', 'Credential', 'InputObject', 'LiteralPath', 'Path', 'TimeoutSeconds')
    }

    It 'takes records and Get-ChildItem output from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('InputObject ByValue', 'LiteralPath ByPropertyName')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Mapping.TrustMappingEntry')
    }
}

Describe 'Get-TrustMapping' -Tag IntegrationTests {
    BeforeAll {
        $connection = New-TestDatabase -From Seeded
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $mapping = @(Get-TrustMapping -LiteralPath $july.FullName -ConnectionString $connection)
    }

    It 'matches the NHS trusts in the workbook with trust_metrics and lists the rest with a reason' {
        $statuses = @($mapping.Status | ForEach-Object { "$_" } | Sort-Object -Unique)
        $statuses | Should -Contain 'Matched'
        $statuses | Should -Contain 'NonNhsProvider'
        $matched = @($mapping | Where-Object Status -eq 'Matched')
        $inDatabase = @(Invoke-TestSql $connection "SELECT DISTINCT trust_code FROM trust_metrics")
        $matched.Count | Should -BeGreaterThan 100
        $matched | ForEach-Object { $inDatabase | Should -Contain $_.TrustCode }
    }

    It 'gives the same mapping from records, from -Path and from Get-ChildItem' {
        $fromRecords = @(Import-CommunityWorkbook -LiteralPath $july.FullName | Get-TrustMapping -ConnectionString $connection)
        $fromFiles = @(Get-Item -LiteralPath $july.FullName | Get-TrustMapping -ConnectionString $connection)
        ($fromRecords | ForEach-Object { "$($_.TrustCode) $($_.Status)" }) | Should -Be ($mapping | ForEach-Object { "$($_.TrustCode) $($_.Status)" })
        ($fromFiles | ForEach-Object { "$($_.TrustCode) $($_.Status)" }) | Should -Be ($mapping | ForEach-Object { "$($_.TrustCode) $($_.Status)" })
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        Assert-Shapeable -InputObject $mapping -GroupProperty Status -SortProperty TrustCode
    }

    It 'names the database it reads with -Verbose, never the connection string' {
        $verbose = @(Get-TrustMapping -LiteralPath $july.FullName -ConnectionString "$connection;Password=not-for-the-log" -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Database: postgres@127.0.0.1:$((ConvertFrom-ConnectionString $connection).port)/$((ConvertFrom-ConnectionString $connection).database)"
        ($verbose -join "`n") | Should -Not -Match 'not-for-the-log'
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Get-TrustMapping -LiteralPath $july.FullName -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'GetTrustMappingTrustsUnreadable,NhsCommunity.Commands.GetTrustMappingCommand'
        $failure.CategoryInfo.Category | Should -Be 'ReadError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
