# Each output type that carries a trust code, piped into each cmdlet that takes -TrustCode from the
# pipeline: no binding error, and the result is about the piped trusts only.
BeforeDiscovery {
    $Producers = @(
        @{ Type = 'CommunityDocument'; Produce = { Import-CommunityWorkbook -LiteralPath $july.FullName | ConvertTo-CommunityJsonb } }
        @{ Type = 'WaitingListRow'; Produce = { Get-CommunityWaitingList -ConnectionString $connection -Period 2025-07 -ServiceKey audiology } }
        @{ Type = 'CoverageRow'; Produce = { (Test-CommunityCoverage -ConnectionString $connection -From 2025-07-01 -To 2025-07-01).Coverage } }
        @{ Type = 'CoverageFinding'; Produce = { (Test-CommunityCoverage -ConnectionString $connection).Findings | Where-Object Check -eq 'BandSum' } }
    )
    $Cases = foreach ($producer in $Producers) {
        foreach ($consumer in 'Get-CommunityWaitingList', 'Test-CommunityCoverage', 'Export-CommunityReport') {
            @{ Type = $producer.Type; Produce = $producer.Produce; Consumer = $consumer }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $connection = New-TestDatabase -From Backfilled
    # The generated year's findings are about months with no data (EmptyDocument, MissingMonth), and a
    # finding selects its own trust and month: plant one about a month with data (a band-sum mismatch).
    $null = Invoke-TestSql $connection @"
UPDATE trust_metrics SET community_data = jsonb_set(community_data, '{adult_services,audiology,total_waiting}', '999999')
WHERE (trust_code, period) IN (SELECT trust_code, period FROM trust_metrics
    WHERE period = '2025-07-01' AND community_data->'adult_services' ? 'audiology' ORDER BY trust_code LIMIT 1)
"@
    $july = $GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx'
}

Describe 'Pipeline contract' -Tag IntegrationTests {
    It '<Type> piped into <Consumer> binds by TrustCode and keeps to the piped trusts' -ForEach $Cases {
        $piped = @(& $Produce | Sort-Object TrustCode | Select-Object -First 3)
        $piped.Count | Should -BeGreaterThan 0
        $codes = @($piped.TrustCode | Sort-Object -Unique)

        $result = @(switch ($Consumer) {
                'Get-CommunityWaitingList' { $piped | Get-CommunityWaitingList -ConnectionString $connection -ErrorVariable problems }
                'Test-CommunityCoverage' { ($piped | Test-CommunityCoverage -ConnectionString $connection -ErrorVariable problems).Coverage }
                'Export-CommunityReport' {
                    $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
                    $null = $piped | Export-CommunityReport -Path $folder -ConnectionString $connection -ErrorVariable problems
                    Import-Csv -LiteralPath (Join-Path $folder 'coverage_matrix.csv') | Select-Object @{ Name = 'TrustCode'; Expression = { $_.trust_code } }
                }
            })

        $problems | Should -BeNullOrEmpty
        $result.Count | Should -BeGreaterThan 0
        @($result.TrustCode | Where-Object { $_ }).Count | Should -Be $result.Count
        @($result.TrustCode | Sort-Object -Unique | Where-Object { $_ -notin $codes }) | Should -BeNullOrEmpty
    }
}
