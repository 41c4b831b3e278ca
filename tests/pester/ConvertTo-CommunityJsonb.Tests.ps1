BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $CommandName = 'ConvertTo-CommunityJsonb'
}

Describe 'ConvertTo-CommunityJsonb' -Tag UnitTests {
    It 'has exactly its documented parameters' {
        Get-OwnParameter $CommandName | Should -Be @('IncludeNonNhs', 'InputObject')
    }

    It 'takes records from the pipeline' {
        Get-PipelineBinding $CommandName | Should -Be @('InputObject ByValue')
        Get-MandatoryParameter $CommandName | Should -Be @('InputObject')
    }

    It 'declares its output type' {
        (Get-Command $CommandName).OutputType.Name | Should -Be @('NhsCommunity.Documents.CommunityDocument')
    }
}

Describe 'ConvertTo-CommunityJsonb' -Tag IntegrationTests {
    BeforeAll {
        $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
        $records = @(Import-CommunityWorkbook -LiteralPath $july.FullName)
        $documents = @($records | ConvertTo-CommunityJsonb)
    }

    It 'makes one document per NHS trust of the month, with JSON that parses' {
        $trusts = @($records | Where-Object OrganisationCode -match '^(R[A-Z0-9]{2}|TA[DHJ])$' | ForEach-Object OrganisationCode | Sort-Object -Unique)
        $documents.Count | Should -Be $trusts.Count
        ($documents.TrustCode | Sort-Object) | Should -Be $trusts
        ($documents.Period | Sort-Object -Unique) | Should -Be ([datetime]'2025-07-01')
        $parsed = $documents[0].Json | ConvertFrom-Json
        $parsed.metadata | Should -Not -BeNullOrEmpty
    }

    It 'adds the non-NHS providers with -IncludeNonNhs' {
        $all = @($records | ConvertTo-CommunityJsonb -IncludeNonNhs)
        $all.Count | Should -BeGreaterThan $documents.Count
        @($all | Where-Object TrustCode -like 'N*').Count | Should -BeGreaterThan 0
    }

    It 'works with Export-Csv, ConvertTo-Json, Select-Object, Group-Object and Sort-Object' {
        Assert-Shapeable -InputObject $documents -GroupProperty ServicesReported -SortProperty TrustCode
    }

    It 'writes what it did with -Verbose' {
        $verbose = @($records | ConvertTo-CommunityJsonb -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -BeGreaterThan 0
    }
}
