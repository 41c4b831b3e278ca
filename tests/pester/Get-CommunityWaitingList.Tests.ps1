BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Get-CommunityWaitingList'
}

Describe 'Get-CommunityWaitingList' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('AsOf', 'Category', 'Column', 'ConnectionString', 'Credential', 'DataType', 'From', 'GroupBy', 'IcbCode', 'Min52PlusWeeks', 'MinTotalWaiting', 'Period', 'ServiceKey', 'TimeoutSeconds', 'To', 'TrustCode')
    }

    It 'takes trust, month, ICB and service from the pipeline by property name' {
        Get-PipelineBinding $CommandName | Should -Be @('IcbCode ByPropertyName', 'Period ByPropertyName', 'ServiceKey ByPropertyName', 'TrustCode ByPropertyName')
    }

    It 'declares its output types' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Queries.WaitingListRow', 'NhsCommunity.Queries.WaitingListSummary')
    }

    It 'completes -Service from the service catalogue' {
        Get-Completion "$CommandName -Service audio" | Should -Be @('audiology')
    }
}

Describe 'Get-CommunityWaitingList' -Tag IntegrationTests {
    BeforeAll {
        $connection = New-TestDatabase -From Backfilled
    }

    It 'returns the services over a threshold, each over it' {
        $rows = @(Get-CommunityWaitingList -ConnectionString $connection -Category Adult -MinTotalWaiting 5000)
        $rows.Count | Should -BeGreaterThan 0
        $rows | ForEach-Object { $_.TotalWaiting | Should -BeGreaterOrEqual 5000; "$($_.Category)" | Should -Be 'Adult' }
    }

    It 'adds the rows up by ICB and month to the same totals as the rows' {
        $rows = @(Get-CommunityWaitingList -ConnectionString $connection -Service audiology)
        $groups = @(Get-CommunityWaitingList -ConnectionString $connection -Service audiology -GroupBy Icb, Period)
        ($groups | Measure-Object TotalWaiting -Sum).Sum | Should -Be ($rows | Measure-Object TotalWaiting -Sum).Sum
        ($groups | Measure-Object Rows -Sum).Sum | Should -Be $rows.Count
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object on rows and on groups' {
        Assert-Shapeable -InputObject @(Get-CommunityWaitingList -ConnectionString $connection -MinTotalWaiting 3000) -GroupProperty ServiceKey -SortProperty TotalWaiting
        Assert-Shapeable -InputObject @(Get-CommunityWaitingList -ConnectionString $connection -GroupBy Category, Period) -GroupProperty Category -SortProperty TotalWaiting
    }

    It 'says which database and how many rows with -Verbose' {
        $parts = ConvertFrom-ConnectionString $connection
        $verbose = @(Get-CommunityWaitingList -ConnectionString $connection -Service audiology -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Database: postgres@127.0.0.1:$($parts.port)/$($parts.database)"
    }

    It 'warns about a service key the catalogue does not have' {
        $warnings = @(Get-CommunityWaitingList -ConnectionString $connection -Service nope_service 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Match "'nope_service'"
    }

    It 'says how to give a database when none is given, as an InvalidArgument error' {
        $failure = Get-ErrorRecord { Get-CommunityWaitingList -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'GetCommunityWaitingListInvalidConnection,NhsCommunity.Commands.GetCommunityWaitingListCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -Match 'NHSCOMMUNITY_CONNECTION'
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Get-CommunityWaitingList -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'GetCommunityWaitingListDatabaseUnavailable,NhsCommunity.Commands.GetCommunityWaitingListCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
