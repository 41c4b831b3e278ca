BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'Test-CommunityWorkbook'
}

Describe 'Test-CommunityWorkbook' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('Check', 'LiteralPath', 'Path')
    }

    It 'takes paths and Get-ChildItem output from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('LiteralPath ByPropertyName', 'Path ByPropertyName', 'Path ByValue')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Workbooks.Checks.WorkbookFinding')
    }
}

Describe 'Test-CommunityWorkbook' -Tag IntegrationTests {
    BeforeAll {
        # A July workbook saved under a June name: the file name check reports it, the data checks pass.
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'misnamed')
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $misnamed = Copy-Item -LiteralPath $july.FullName -Destination (Join-Path $folder 'Community-health-services-waiting-lists-2025-26-June.xlsx') -PassThru
    }

    It 'finds nothing wrong in a year of generated workbooks' {
        @($GeneratedWorkbooks | Test-CommunityWorkbook).Count | Should -Be 0
    }

    It 'reports a file name that disagrees with the period inside, naming the file' {
        $findings = @(Get-ChildItem -LiteralPath $folder | Test-CommunityWorkbook)
        $findings.Count | Should -Be 1
        $findings[0].Check | Should -Be 'FileName'
        "$($findings[0].Severity)" | Should -Be 'Warning'
        $findings[0].Detail | Should -Match 'July 2025'
    }

    It 'runs only the checks asked for' {
        @(Test-CommunityWorkbook -LiteralPath $misnamed.FullName -Check BandSum, Reconciliation).Count | Should -Be 0
        @(Test-CommunityWorkbook -LiteralPath $misnamed.FullName -Check FileName).Count | Should -Be 1
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        $findings = @(Test-CommunityWorkbook -LiteralPath $misnamed.FullName, $misnamed.FullName)
        Assert-Shapeable -InputObject $findings -GroupProperty Check -SortProperty Detail
    }

    It 'reports a missing file with its id, category and the path as target' {
        $missing = Join-Path $TestDrive 'nothing-here.xlsx'
        $failure = Get-ErrorRecord { Test-CommunityWorkbook -LiteralPath $missing -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike '*,NhsCommunity.Commands.TestCommunityWorkbookCommand'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.TargetObject | Should -Be $missing
    }
}
