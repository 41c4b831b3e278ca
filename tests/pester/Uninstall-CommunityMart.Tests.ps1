BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Uninstall-CommunityMart'
}

Describe 'Uninstall-CommunityMart' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('ConnectionString', 'Credential', 'TimeoutSeconds')
    }

    It 'asks before it drops anything (ConfirmImpact High)' {
        $command = Get-Command $CommandName
        $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Mart.MartResult')
    }
}

Describe 'Uninstall-CommunityMart' -Tag IntegrationTests {
    It 'removes the mart and its triggers, leaves trust_metrics as it was, and a second run does nothing' {
        $connection = New-TestDatabase -From Backfilled
        $table = Invoke-TestSql $connection "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM trust_metrics t"
        $null = Install-CommunityMart -ConnectionString $connection
        $removed = Uninstall-CommunityMart -ConnectionString $connection -Confirm:$false
        $removed | Should -BeOfType ([NhsCommunity.Mart.MartResult])
        $removed.Installed | Should -BeFalse
        @($removed.Removed).Count | Should -Be 13
        Invoke-TestSql $connection "SELECT count(*) FROM pg_class WHERE relname LIKE 'community_mart%' OR relname IN ('community_waiting_list', 'community_service', 'community_trust')" | Should -Be '0'
        Invoke-TestSql $connection "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'community_mart%'" | Should -Be '0'
        Invoke-TestSql $connection "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM trust_metrics t" | Should -Be $table

        $again = Uninstall-CommunityMart -ConnectionString $connection -Confirm:$false
        @($again.Removed).Count | Should -Be 0
    }

    It 'pipes from Install-CommunityMart (an install undone), and the readers go back to the JSONB' {
        $connection = New-TestDatabase -From Backfilled
        $before = Get-CommunityWaitingList -ConnectionString $connection -GroupBy Trust | ConvertTo-Json -Depth 4
        $null = Install-CommunityMart -ConnectionString $connection | ForEach-Object { Uninstall-CommunityMart -ConnectionString $connection -Confirm:$false }
        Get-CommunityWaitingList -ConnectionString $connection -GroupBy Trust | ConvertTo-Json -Depth 4 | Should -Be $before
        (Test-CommunityCoverage -ConnectionString $connection).Checks.Name | Should -Not -Contain 'MartUnique'
    }

    It 'keeps everything with -WhatIf' {
        $connection = New-TestDatabase -From Backfilled
        $null = Install-CommunityMart -ConnectionString $connection
        $null = Uninstall-CommunityMart -ConnectionString $connection -WhatIf
        # Four on trust_metrics, and four guards each on the fact and on community_mart_document.
        Invoke-TestSql $connection "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'community_mart%'" | Should -Be '12'
    }

    It 'refuses, naming the view and dropping nothing, when a view of yours depends on the mart' {
        $connection = New-TestDatabase -From Backfilled
        $null = Install-CommunityMart -ConnectionString $connection
        $null = Invoke-TestSql $connection "CREATE VIEW my_icb_totals AS SELECT icb_code, sum(total_waiting) FROM community_waiting_list GROUP BY icb_code"
        $failure = Get-ErrorRecord { Uninstall-CommunityMart -ConnectionString $connection -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'UninstallCommunityMartFailed,NhsCommunity.Commands.UninstallCommunityMartCommand'
        $failure.Exception.Message | Should -Match 'my_icb_totals'
        # Four on trust_metrics, and four guards each on the fact and on community_mart_document.
        Invoke-TestSql $connection "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'community_mart%'" | Should -Be '12'
    }
}
