BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Install-CommunityMart'
    function Get-MartRows([string] $Connection) {
        Invoke-TestSql $Connection "SELECT count(*) FROM community_waiting_list"
    }
}

Describe 'Install-CommunityMart' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('ConnectionString', 'Credential', 'TimeoutSeconds')
    }

    It 'asks before it writes' {
        $command = Get-Command $CommandName
        $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Mart.MartResult')
    }
}

Describe 'Install-CommunityMart' -Tag IntegrationTests {
    It 'builds the mart from the backfilled documents, and running it again gives the same mart' {
        $connection = New-TestDatabase -From Backfilled
        $result = Install-CommunityMart -ConnectionString $connection
        $result | Should -BeOfType ([NhsCommunity.Mart.MartResult])
        $result.Installed | Should -BeTrue
        $result.Schema | Should -Be 'public'
        $services = Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics t, jsonb_each(t.community_data -> 'adult_services')"
        $services = [long]$services + [long](Invoke-TestSql $connection "SELECT count(*) FROM trust_metrics t, jsonb_each(t.community_data -> 'cyp_services')")
        $result.Rows | Should -Be $services
        $result.Services | Should -Be 47
        Get-MartRows $connection | Should -Be "$services"

        $again = Install-CommunityMart -ConnectionString $connection
        $again.Rows | Should -Be $result.Rows
        Get-MartRows $connection | Should -Be "$services"
    }

    It 'keeps the mart equal to the documents when someone updates a document by hand' {
        $connection = New-TestDatabase -From Backfilled
        $null = Install-CommunityMart -ConnectionString $connection
        $code = Invoke-TestSql $connection "SELECT trust_code FROM trust_metrics WHERE community_data -> 'adult_services' ? 'audiology' ORDER BY trust_code, period LIMIT 1"
        $null = Invoke-TestSql $connection "UPDATE trust_metrics SET community_data = jsonb_set(community_data, '{adult_services,audiology,total_waiting}', '98765') WHERE trust_code = '$code' AND community_data -> 'adult_services' ? 'audiology'"
        Invoke-TestSql $connection "SELECT DISTINCT total_waiting FROM community_waiting_list WHERE trust_code = '$code' AND category = 'adult' AND service_key = 'audiology'" | Should -Be '98765'
    }

    It 'gives Get-CommunityWaitingList and Test-CommunityCoverage the same answers as the JSONB, and Test-CommunityCoverage runs the mart tests' {
        $connection = New-TestDatabase -From Backfilled
        $before = Get-CommunityWaitingList -ConnectionString $connection -GroupBy Icb, Period | ConvertTo-Json -Depth 4
        $coverageBefore = (Test-CommunityCoverage -ConnectionString $connection).Coverage | ConvertTo-Json -Depth 4
        $null = Install-CommunityMart -ConnectionString $connection
        Get-CommunityWaitingList -ConnectionString $connection -GroupBy Icb, Period | ConvertTo-Json -Depth 4 | Should -Be $before
        $report = Test-CommunityCoverage -ConnectionString $connection
        $report.Coverage | ConvertTo-Json -Depth 4 | Should -Be $coverageBefore
        $report.Checks.Name | Should -Contain 'MartUnique'
        $report.Checks.Name | Should -Contain 'MartReconciliation'
        @($report.Findings | Where-Object Check -like 'Mart*') | Should -HaveCount 0
    }

    It 'changes nothing and connects to nothing with -WhatIf' {
        $connection = New-TestDatabase -From Backfilled
        $result = Install-CommunityMart -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none' -WhatIf
        $result | Should -BeNullOrEmpty
        $null = Install-CommunityMart -ConnectionString $connection -WhatIf
        Invoke-TestSql $connection "SELECT to_regclass('community_waiting_list') IS NULL" | Should -Be 't'
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        $connection = New-TestDatabase -From Seeded
        $result = @(Install-CommunityMart -ConnectionString $connection)
        Assert-Shapeable -InputObject $result -GroupProperty Schema -SortProperty Rows
    }

    It 'refuses a database without trust_metrics with its id, creating nothing' {
        $connection = New-TestDatabase -From Empty
        $null = Invoke-TestSql $connection "DROP TABLE trust_metrics"
        $failure = Get-ErrorRecord { Install-CommunityMart -ConnectionString $connection -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'InstallCommunityMartTableNotFound,NhsCommunity.Commands.InstallCommunityMartCommand'
        Invoke-TestSql $connection "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" | Should -Be '0'
    }

    It 'refuses a user who does not own trust_metrics, naming the way out and changing nothing' {
        $connection = New-TestDatabase -From Seeded
        $role = 'mart_' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        $database = (ConvertFrom-ConnectionString $connection).database
        $null = Invoke-TestSql $connection "CREATE ROLE $role LOGIN; GRANT CONNECT ON DATABASE $database TO $role; GRANT USAGE, CREATE ON SCHEMA public TO $role; GRANT SELECT, UPDATE ON trust_metrics TO $role"
        $asRole = $connection -replace '(?i)(Username=)[^;]*', "`${1}$role"
        $failure = Get-ErrorRecord { Install-CommunityMart -ConnectionString $asRole -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'InstallCommunityMartPermissionDenied,NhsCommunity.Commands.InstallCommunityMartCommand'
        $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failure.Exception.Message | Should -Match 'owner of trust_metrics'
        Invoke-TestSql $connection "SELECT to_regclass('community_waiting_list') IS NULL" | Should -Be 't'
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Install-CommunityMart -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'InstallCommunityMartDatabaseUnavailable,NhsCommunity.Commands.InstallCommunityMartCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
