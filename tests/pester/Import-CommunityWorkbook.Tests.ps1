BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Import-CommunityWorkbook'
}

Describe 'Import-CommunityWorkbook' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('LiteralPath', 'OrganisationType', 'Path', 'ServiceKey')
    }

    It 'takes paths and Get-ChildItem output from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('LiteralPath ByPropertyName', 'Path ByPropertyName', 'Path ByValue')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Workbooks.CommunityRecord')
    }

    It 'completes -OrganisationType from the organisation types' {
        Get-Completion "$CommandName -OrganisationType " | Should -Be @('All', 'ICB', 'National', 'Provider', 'Region')
        Get-Completion "$CommandName -OrganisationType na" | Should -Be @('National')
    }

    It 'completes -ServiceKey from the service catalogue' {
        Get-Completion "$CommandName -ServiceKey audio" | Should -Be @('audiology')
        Get-Completion "$CommandName -ServiceKey therapy_" | Should -Contain 'therapy_speech_language'
    }
}

Describe 'Import-CommunityWorkbook' -Tag IntegrationTests {
    BeforeAll {
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $records = @(Import-CommunityWorkbook -LiteralPath $july.FullName)
    }

    It 'reads a workbook by -Path, by -LiteralPath and from Get-ChildItem alike' {
        $byPath = @(Import-CommunityWorkbook -Path (Join-Path $july.DirectoryName '*July.xlsx'))
        $piped = @(Get-Item -LiteralPath $july.FullName | Import-CommunityWorkbook)
        $records.Count | Should -BeGreaterThan 1000
        $byPath.Count | Should -Be $records.Count
        $piped.Count | Should -Be $records.Count
    }

    It 'gives providers of July 2025 by default and the national rows on request' {
        ($records.OrganisationType | Sort-Object -Unique) | Should -Be 'Provider'
        ($records.Period | Sort-Object -Unique) | Should -Be ([datetime]'2025-07-01')
        $national = @(Import-CommunityWorkbook -LiteralPath $july.FullName -OrganisationType National)
        ($national.OrganisationType | Sort-Object -Unique) | Should -Be 'National'
    }

    It 'exports Period as yyyy-MM text, not a timestamp of the current culture' {
        $csv = Join-Path $TestDrive 'july.csv'
        $records | Select-Object -First 3 | Export-Csv -LiteralPath $csv
        $lines = @(Get-Content -LiteralPath $csv)
        $lines[0] | Should -BeLike '"Period",*'
        $lines[1..3] | ForEach-Object { $_ | Should -BeLike '"2025-07",*' }
        (Import-Csv -LiteralPath $csv).Period | Should -Be @('2025-07', '2025-07', '2025-07')
        $records[0].Period | Should -BeOfType [NhsCommunity.Month]
        $records[0].Period -eq '2025-07' | Should -BeTrue
        ([datetime]$records[0].Period).ToString('o') | Should -Be '2025-07-01T00:00:00.0000000'
    }

    It 'keeps only the services asked for' {
        $audiology = @(Import-CommunityWorkbook -LiteralPath $july.FullName -ServiceKey audiology)
        $audiology.Count | Should -BeGreaterThan 0
        ($audiology.ServiceKey | Sort-Object -Unique) | Should -Be 'audiology'
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        Assert-Shapeable -InputObject ($records | Select-Object -First 200) -GroupProperty OrganisationCode -SortProperty TotalWaiting
    }

    It 'reports a missing file with its id, category and the path as target' {
        $missing = Join-Path $TestDrive 'Community-health-services-waiting-lists-2025-26-June.xlsx'
        $failure = Get-ErrorRecord { Import-CommunityWorkbook -LiteralPath $missing -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike '*,NhsCommunity.Commands.ImportCommunityWorkbookCommand'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.TargetObject | Should -Be $missing
    }

    It 'reports a file that is not a workbook and goes on with the next' {
        $corrupt = Join-Path $TestDrive 'Community-health-services-waiting-lists-2025-26-May.xlsx'
        Set-Content -LiteralPath $corrupt -Value '<html>not a workbook</html>'
        $read = @(Import-CommunityWorkbook -LiteralPath $corrupt, $july.FullName -ErrorVariable problems -ErrorAction SilentlyContinue)
        $read.Count | Should -Be $records.Count
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike '*,NhsCommunity.Commands.ImportCommunityWorkbookCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        "$($problems[0].TargetObject)" | Should -Be $corrupt
    }
}
