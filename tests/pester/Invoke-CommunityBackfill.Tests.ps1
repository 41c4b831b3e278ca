BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Invoke-CommunityBackfill'
}

Describe 'Invoke-CommunityBackfill' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('AddMissingRows', 'Column', 'ConnectionString', 'Credential', 'DataType', 'Force', 'LiteralPath', 'MaxAttempts', 'Path', 'RunId', 'TimeoutSeconds')
    }

    It 'takes paths and Get-ChildItem output from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('LiteralPath ByPropertyName', 'Path ByValue')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Backfill.BackfillSummary')
    }
}

Describe 'Invoke-CommunityBackfill' -Tag IntegrationTests {
    BeforeAll {
        $year = $GeneratedWorkbooks
        function Get-WrittenCount([string] $Connection) {
            [int](Invoke-TestSql $Connection "SELECT count(*) FROM trust_metrics WHERE community_data IS NOT NULL")
        }
    }

    It 'backfills a year from Get-ChildItem into one summary, and a re-run changes nothing' {
        $connection = New-TestDatabase -From Seeded
        $summary = $year | Invoke-CommunityBackfill -ConnectionString $connection
        $summary.ExitCode | Should -Be 0
        $summary.FilesRead | Should -Be 12
        $summary.MonthsWritten | Should -Be 12
        $summary.TrustsUpdated | Should -Be (Get-WrittenCount $connection)

        # The load ledger skips every file unread; -Force reads them all and finds every document stored as it is.
        $again = $year | Invoke-CommunityBackfill -ConnectionString $connection
        ($again.FilesRead, $again.FilesAlreadyLoaded, $again.TrustsUpdated, $again.TrustsUnchanged) | Should -Be @(0, 12, 0, 0)
        $forced = $year | Invoke-CommunityBackfill -ConnectionString $connection -Force
        $forced.TrustsUpdated | Should -Be 0
        $forced.TrustsUnchanged | Should -Be $summary.TrustsUpdated
    }

    It 'writes nothing with -WhatIf' {
        $connection = New-TestDatabase -From Seeded
        $null = Invoke-CommunityBackfill -LiteralPath $year[0].FullName -ConnectionString $connection -WhatIf
        Get-WrittenCount $connection | Should -Be 0
    }

    It 'writes with -Confirm:$false when $ConfirmPreference asks for every change' {
        $connection = New-TestDatabase -From Seeded
        $ConfirmPreference = 'Low'
        $summary = Invoke-CommunityBackfill -LiteralPath $year[0].FullName -ConnectionString $connection -Confirm:$false
        $ConfirmPreference = 'High'
        $summary.MonthsWritten | Should -Be 1
        Get-WrittenCount $connection | Should -Be $summary.TrustsUpdated
    }

    It 'says which database and which workbooks with -Verbose' {
        $connection = New-TestDatabase -From Seeded
        $parts = ConvertFrom-ConnectionString $connection
        $verbose = @(Invoke-CommunityBackfill -LiteralPath $year[0].FullName -ConnectionString $connection -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Database: postgres@127.0.0.1:$($parts.port)/$($parts.database)"
        $verbose | Where-Object { $_ -like "Read '$($year[0].FullName)'*" } | Should -Not -BeNullOrEmpty
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        $connection = New-TestDatabase -From Seeded
        $summaries = @($year[0], $year[1] | ForEach-Object { Invoke-CommunityBackfill -LiteralPath $_.FullName -ConnectionString $connection })
        Assert-Shapeable -InputObject $summaries -GroupProperty ExitCode -SortProperty Months
    }

    It 'fails on an unreachable database with its id, category and the database as target' {
        $failure = Get-ErrorRecord { Invoke-CommunityBackfill -LiteralPath $year[0].FullName -ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=3' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'InvokeCommunityBackfillDatabaseUnavailable,NhsCommunity.Commands.InvokeCommunityBackfillCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be 'nobody@127.0.0.1:1/none'
    }
}
