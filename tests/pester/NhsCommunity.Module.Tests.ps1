# The module as a user gets it: imported from the repository by path, and packaged by build.ps1, installed
# with Install-PSResource from a local repository and imported by name in a new pwsh.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    [xml] $props = Get-Content -Raw (Join-Path $RepositoryRoot 'Directory.Build.props')
    $version = $props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    $declared = @((Import-PowerShellDataFile $Manifest).CmdletsToExport | Sort-Object)
}

Describe 'NhsCommunity module' -Tag UnitTests {
    It 'imports by path and exports exactly the cmdlets of its manifest, at the version of Directory.Build.props' {
        $module = Get-Module NhsCommunity
        $module.Path | Should -Be (Join-Path $RepositoryRoot 'module' 'NhsCommunity.dll')
        $module.Version | Should -Be ([version] $version)
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $declared
    }

    It 'declares PowerShell 7.4 and the Core edition' {
        $data = Import-PowerShellDataFile $Manifest
        $data.PowerShellVersion | Should -Be '7.4'
        $data.CompatiblePSEditions | Should -Be @('Core')
    }
}

Describe 'NhsCommunity module' -Tag IntegrationTests {
    BeforeAll {
        $artifacts = Join-Path $TestDrive 'artifacts'
        $package = & (Join-Path $RepositoryRoot 'build.ps1') -Task Package -NoBuild -OutputDirectory $artifacts
        Add-Type -AssemblyName System.IO.Compression.FileSystem
    }

    It 'packages the built module into NhsCommunity.<version>.nupkg with the files at its root, byte for byte' {
        Split-Path -Leaf $package.Package | Should -Be "NhsCommunity.$version.nupkg"
        $archive = [System.IO.Compression.ZipFile]::OpenRead($package.Package)
        try {
            $entries = @($archive.Entries.FullName)
            $layout = Join-Path $RepositoryRoot 'module'
            $expected = @('NhsCommunity.nuspec', 'NhsCommunity.psd1', 'NhsCommunity.dll', 'NhsCommunity.Core.dll', 'NhsCommunity.Format.ps1xml', 'NhsCommunity.Types.ps1xml', 'en-US/NhsCommunity.dll-Help.xml') +
                @(Get-ChildItem -LiteralPath (Join-Path $layout 'Dependencies') -File | ForEach-Object { "Dependencies/$($_.Name)" })
            foreach ($name in $expected) { $entries | Should -Contain $name }
            $entries | Should -Contain 'Dependencies/Npgsql.dll'
            $entries | Should -Not -Contain 'Dependencies/NhsCommunity.Core.dll'
            $entries | Where-Object { $_ -like 'module/*' } | Should -BeNullOrEmpty
            foreach ($name in 'NhsCommunity.dll', 'en-US/NhsCommunity.dll-Help.xml', 'NhsCommunity.Format.ps1xml', 'NhsCommunity.Types.ps1xml', 'NhsCommunity.Core.dll', 'Dependencies/Npgsql.dll') {
                $stream = $archive.GetEntry($name).Open()
                $copy = [System.IO.MemoryStream]::new()
                try { $stream.CopyTo($copy) } finally { $stream.Dispose() }
                (Get-FileHash -InputStream ([System.IO.MemoryStream]::new($copy.ToArray()))).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $layout $name)).Hash -Because $name
            }
        }
        finally { $archive.Dispose() }
    }

    It 'writes a nuspec that names the module, its version and the PowerShellGet tags' {
        $archive = [System.IO.Compression.ZipFile]::OpenRead($package.Package)
        try {
            $reader = [System.IO.StreamReader]::new($archive.GetEntry('NhsCommunity.nuspec').Open())
            [xml] $nuspec = try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $archive.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'NhsCommunity'
        $nuspec.package.metadata.version | Should -Be $version
        $tags = $nuspec.package.metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        foreach ($cmdlet in $declared) { $tags | Should -Contain "PSCmdlet_$cmdlet" }
    }

    It 'installs with Install-PSResource from a local repository and imports by name in a new pwsh' {
        # A home of its own: the repository registration and the CurrentUser module folder stay in the test drive.
        $userHome = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')
        $july = ($GeneratedWorkbooks | Where-Object Name -like '*2025-26-July.xlsx').FullName
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NhsCommunityLocal -Uri '$artifacts' -Trusted
Install-PSResource -Name NhsCommunity -Repository NhsCommunityLocal -Scope CurrentUser -TrustRepository -Quiet
Import-Module NhsCommunity
`$module = Get-Module NhsCommunity
'base=' + `$module.ModuleBase
'version=' + `$module.Version
'cmdlets=' + ((`$module.ExportedCmdlets.Keys | Sort-Object) -join ',')
'records=' + @(Import-CommunityWorkbook -LiteralPath '$july').Count
"@
        $run = Invoke-ChildPwsh -ArgumentList '-Command', $script -Environment @{
            HOME = $userHome.FullName; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null
        }

        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $base = ($run.Output | Where-Object { $_ -like 'base=*' }) -replace '^base='
        $base | Should -BeLike "$($userHome.FullName)*"
        $run.Output | Should -Contain "version=$version"
        $run.Output | Should -Contain ('cmdlets=' + ($declared -join ','))
        $run.Output | Should -Contain ('records=' + @(Import-CommunityWorkbook -LiteralPath $july).Count)
    }
}
