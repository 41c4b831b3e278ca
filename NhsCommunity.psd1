@{
    RootModule           = 'module/NhsCommunity.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f2d7c1e-3b8a-4d5e-9c41-2a7e8b0d5f13'
    Author               = 'NhsCommunity contributors'
    Description          = 'Turns NHS England Community Health Services waiting list workbooks into per-trust JSONB in PostgreSQL, and checks and queries what landed.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('module/NhsCommunity.Format.ps1xml')
    TypesToProcess       = @('module/NhsCommunity.Types.ps1xml')
    CmdletsToExport      = @(
        'Import-CommunityWorkbook'
        'Test-CommunityWorkbook'
        'Get-TrustMapping'
        'ConvertTo-CommunityJsonb'
        'Update-TrustMetrics'
        'Restore-TrustMetrics'
        'Invoke-CommunityBackfill'
        'Test-CommunityCoverage'
        'Get-CommunityWaitingList'
        'Export-CommunityReport'
        'Get-CommunityLoad'
        'Get-CommunityHistory'
        'Install-CommunityMart'
        'Uninstall-CommunityMart'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('NHS', 'CommunityHealthServices', 'PostgreSQL', 'Supabase', 'JSONB')
        }
    }
}
