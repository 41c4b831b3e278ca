# An analyst's first hour at the prompt: the surprises found when the module first met real pwsh,
# each pinned where users meet it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $connection = New-TestDatabase -From Backfilled
    $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
    $trustCode = Invoke-TestSql $connection "SELECT min(trust_code) FROM trust_metrics WHERE community_data->'adult_services' <> '{}'::jsonb"
}

Describe 'A first hour at the prompt' -Tag IntegrationTests {
    Context 'completion from the database' {
        BeforeAll { $env:NHSCOMMUNITY_CONNECTION = $connection }
        AfterAll { Remove-Item Env:NHSCOMMUNITY_CONNECTION -ErrorAction SilentlyContinue }

        It 'completes -TrustCode from the trusts in trust_metrics' {
            $prefix = $trustCode.Substring(0, 2)
            $offered = Get-Completion "Get-CommunityWaitingList -TrustCode $prefix"
            $offered | Should -Contain $trustCode
            $offered | ForEach-Object { $_ | Should -BeLike "$prefix*" }
        }

        It 'completes -Period with months as yyyy-MM, not file names' {
            $offered = Get-Completion 'Test-CommunityCoverage -From 2025-0'
            $offered | Should -Contain '2025-07'
            $offered | ForEach-Object { $_ | Should -Match '^\d{4}-\d{2}$' }
        }
    }

    Context 'types a script can name' {
        It 'names the output types after Import-Module' {
            $record = Import-CommunityWorkbook -LiteralPath $july.FullName | Select-Object -First 1
            $record -is [NhsCommunity.Workbooks.CommunityRecord] | Should -BeTrue
            [NhsCommunity.Workbooks.CommunityRecord].Assembly.GetName().Name | Should -Be 'NhsCommunity.Core'
        }

        It 'binds a typed script parameter' {
            $count = & {
                param([NhsCommunity.Workbooks.CommunityRecord[]] $Records)
                $Records.Count
            } -Records @(Import-CommunityWorkbook -LiteralPath $july.FullName | Select-Object -First 3)
            $count | Should -Be 3
        }
    }

    Context 'outputs that chain' {
        It 'pipes Get-TrustMapping into Get-CommunityWaitingList by TrustCode, with no binding error' {
            $mapping = @(Get-TrustMapping -LiteralPath $july.FullName -ConnectionString $connection |
                Where-Object { $_.Status -eq 'Matched' -and $_.TrustCode -eq $trustCode })
            $mapping.Count | Should -Be 1
            $rows = @($mapping | Get-CommunityWaitingList -ConnectionString $connection -Period 2025-07 -ErrorVariable problems)
            $problems | Should -BeNullOrEmpty
            $rows.Count | Should -BeGreaterThan 0
            $rows.TrustCode | Sort-Object -Unique | Should -Be $trustCode
        }
    }

    Context 'months' {
        It 'takes -Period as yyyy-MM' {
            $rows = @(Get-CommunityWaitingList -ConnectionString $connection -TrustCode $trustCode -Period 2025-07)
            $rows.Count | Should -BeGreaterThan 0
            ($rows | ForEach-Object { $_.Period.ToString('yyyy-MM', [cultureinfo]::InvariantCulture) } | Sort-Object -Unique) | Should -Be '2025-07'
        }

        It 'refuses day/month text, which means a different month in different cultures' {
            $failure = Get-ErrorRecord { Get-CommunityWaitingList -ConnectionString $connection -Period 01/07/2025 -ErrorAction Stop }
            $failure.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
            $failure.Exception.Message | Should -BeLike '*yyyy-MM*'
        }

        It 'exports the months of a trust mapping as yyyy-MM text, never a .NET type name' {
            $csv = Get-TrustMapping -LiteralPath $july.FullName -ConnectionString $connection | ConvertTo-Csv
            $csv | Should -Not -Match 'System\.'
            ($csv | ConvertFrom-Csv | Where-Object TrustCode -eq $trustCode).Periods | Should -Be '2025-07'
        }
    }

    Context '-Verbose' {
        It 'says what Import-CommunityWorkbook read, per file' {
            $verbose = @(Import-CommunityWorkbook -LiteralPath $july.FullName -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("Read '$($july.FullName)': 2025-07, ") + '\d+ records')
        }

        It 'says what Test-CommunityWorkbook checked, per file' {
            $verbose = @(Test-CommunityWorkbook -LiteralPath $july.FullName -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("Checked '$($july.FullName)': ") + '\d+ finding')
        }
    }
}
