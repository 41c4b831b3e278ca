<#
.SYNOPSIS
    Builds, tests and packages the NhsCommunity module.

.DESCRIPTION
    Build    dotnet build Cmdlets.sln: compiles everything and lays the module out in ./module
             (NhsCommunity.dll, NhsCommunity.Core.dll, Dependencies/, NhsCommunity.Format.ps1xml, NhsCommunity.Types.ps1xml, en-US/ help).
    Test     dotnet test Cmdlets.sln (add -Filter to run a subset): the xUnit suite and, through it, the
             Pester suite in real pwsh; then one summary: failures, each skip reason once, the counts.
             Under CI=true a skipped test fails the run.
    Package  Copies the laid-out module into a clean folder (artifacts/NhsCommunity) whose manifest
             points inside that folder, and writes artifacts/NhsCommunity.<version>.nupkg, which
             Install-PSResource / Install-Module install from a local repository:

                 Register-PSResourceRepository -Name Local -Uri ./artifacts -Trusted
                 Install-PSResource NhsCommunity -Repository Local

    Clean    Removes ./artifacts.

    Package builds first unless -NoBuild is given. Run it in pwsh 7.4+; the repository pins one:

        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Package

    The version comes from Directory.Build.props, the one source of the module's version.

.EXAMPLE
    ./build.ps1
    Builds the solution in Release and lays out ./module.

.EXAMPLE
    ./build.ps1 -Task Build, Test, Package
    Builds, runs every test, and writes artifacts/NhsCommunity.<version>.nupkg.

.EXAMPLE
    ./build.ps1 -Task Test -Filter 'FullyQualifiedName~PesterSuite'
    Runs the Pester suite only (in real pwsh, against a throw-away PostgreSQL).
#>
[CmdletBinding()]
param(
    # One or more of Build, Test, Package, Clean; "Build,Test" also works from a command line.
    [ArgumentCompleter({ param($c, $p, $word) 'Build', 'Test', 'Package', 'Clean' | Where-Object { $_ -like "$word*" } })]
    [string[]] $Task = @('Build'),

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Where Package writes the module folder and the .nupkg (default: ./artifacts).
    [string] $OutputDirectory,

    # Test: a dotnet test --filter expression.
    [string] $Filter,

    # Package: use the module already laid out in ./module instead of building first.
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# pwsh -File passes "Build,Package" as one word: split it here rather than reject it.
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($name in $Task) {
    if ($name -notin 'Build', 'Test', 'Package', 'Clean') {
        throw "Unknown task '$name'. Tasks: Build, Test, Package, Clean."
    }
}

$root = $PSScriptRoot
if (-not $OutputDirectory) {
    $OutputDirectory = [System.IO.Path]::Combine($root, 'artifacts')
}
$OutputDirectory = [System.IO.Path]::GetFullPath($OutputDirectory, [System.Environment]::CurrentDirectory)
$moduleName = 'NhsCommunity'

function Write-Step([string] $Message) {
    $Host.UI.WriteLine("==> $Message")
}

function Invoke-Dotnet([string[]] $Arguments) {
    Write-Step ("dotnet " + ($Arguments -join ' '))
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Get-ModuleVersion {
    [xml] $props = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($root, 'Directory.Build.props'))
    $node = $props.SelectSingleNode('/Project/PropertyGroup/Version')
    if (-not $node) { throw 'Directory.Build.props has no <Version>.' }
    $node.InnerText.Trim()
}

function Copy-Tree([string] $Source, [string] $Destination) {
    [void][System.IO.Directory]::CreateDirectory($Destination)
    foreach ($file in [System.IO.Directory]::GetFiles($Source)) {
        [System.IO.File]::Copy($file, [System.IO.Path]::Combine($Destination, [System.IO.Path]::GetFileName($file)), $true)
    }
    foreach ($directory in [System.IO.Directory]::GetDirectories($Source)) {
        Copy-Tree $directory ([System.IO.Path]::Combine($Destination, [System.IO.Path]::GetFileName($directory)))
    }
}

function Invoke-Build {
    Invoke-Dotnet @('build', [System.IO.Path]::Combine($root, 'Cmdlets.sln'), '-c', $Configuration)
}

# The README's test command: every test project in the solution (xUnit, and through it the Pester suite in
# real pwsh), then one summary from the TRX results: each failure with its message, each skip reason once
# with its tests, and the closing counts. Under CI=true a skipped test fails the run.
function Invoke-Test {
    $results = Join-Path ([System.IO.Path]::GetTempPath()) ('nhscommunity-test-results-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $arguments = @('test', (Join-Path $root 'Cmdlets.sln'), '-c', $Configuration, '--logger', 'console;verbosity=quiet', '--logger', 'trx', '--results-directory', $results)
    if ($Filter) { $arguments += @('--filter', $Filter) }
    $started = Get-Date
    Write-Step ("dotnet " + ($arguments -join ' '))
    & dotnet @arguments
    $testExit = $LASTEXITCODE
    try {
        $outcome = Write-TestSummary -ResultDirectory $results -Elapsed ((Get-Date) - $started)
    }
    finally {
        Remove-Item -LiteralPath $results -Recurse -Force -ErrorAction Ignore
    }
    if ($testExit -ne 0 -or $outcome.Failed -gt 0) { throw "Tests failed: $($outcome.Failed) failed (dotnet test exit code $testExit)." }
    if ($outcome.Skipped -gt 0 -and $env:CI -eq 'true') { throw "CI=true and $($outcome.Skipped) test(s) skipped: in CI every prerequisite is installed, so a skip is a failure." }
}

function Write-TestSummary([string] $ResultDirectory, [timespan] $Elapsed) {
    $tests = foreach ($trx in Get-ChildItem -LiteralPath $ResultDirectory -Filter *.trx -Recurse -ErrorAction Ignore) {
        [xml] $document = Get-Content -Raw -LiteralPath $trx.FullName
        foreach ($result in $document.SelectNodes("//*[local-name()='UnitTestResult']")) {
            $errorInfo = $result.SelectSingleNode("*[local-name()='Output']/*[local-name()='ErrorInfo']")
            [pscustomobject]@{
                Name    = $result.GetAttribute('testName')
                Outcome = $result.GetAttribute('outcome')
                Message = if ($errorInfo) { "$($errorInfo.SelectSingleNode("*[local-name()='Message']").InnerText)".Trim() } else { '' }
                Stack   = if ($errorInfo -and $errorInfo.SelectSingleNode("*[local-name()='StackTrace']")) { $errorInfo.SelectSingleNode("*[local-name()='StackTrace']").InnerText.Trim() } else { '' }
            }
        }
    }
    $failed = @($tests | Where-Object Outcome -eq 'Failed')
    $skipped = @($tests | Where-Object Outcome -eq 'NotExecuted')
    $passed = @($tests | Where-Object Outcome -eq 'Passed')

    foreach ($test in $failed) {
        Write-Step "FAILED $($test.Name)"
        $Host.UI.WriteLine($test.Message)
        if ($test.Stack) { $Host.UI.WriteLine((($test.Stack -split "`n" | Select-Object -First 8) -join "`n")) }
    }
    foreach ($group in $skipped | Group-Object Message | Sort-Object Name) {
        Write-Step "Skipped $($group.Count) test(s): $($group.Name)"
        foreach ($test in $group.Group | Sort-Object Name) { $Host.UI.WriteLine("    $($test.Name)") }
    }
    Write-Step ('Tests took {0:0} s' -f $Elapsed.TotalSeconds)
    # The plain closing line CI reads.
    $Host.UI.WriteLine(('{0} passed, {1} failed, {2} skipped' -f $passed.Count, $failed.Count, $skipped.Count))
    [pscustomobject]@{ Passed = $passed.Count; Failed = $failed.Count; Skipped = $skipped.Count }
}

function Invoke-Clean {
    if ([System.IO.Directory]::Exists($OutputDirectory)) {
        Write-Step "Removing $OutputDirectory"
        [System.IO.Directory]::Delete($OutputDirectory, $true)
    }
}

# The repository's manifest, with its paths made relative to the package folder and the version stamped.
function New-PackageManifest([string] $Version) {
    $text = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($root, "$moduleName.psd1"))
    $text = $text -replace "'module/", "'"
    $text = $text -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$Version'"
    $text
}

function Get-ManifestData([string] $Path) {
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $null, [ref] $null)
    $ast.Find({ param($node) $node -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue()
}

function ConvertTo-XmlText([string] $Text) {
    [System.Security.SecurityElement]::Escape($Text)
}

# A nuspec as PowerShellGet writes it: PSModule, one PSCmdlet_/PSCommand_ tag per cmdlet, the edition.
function New-Nuspec([hashtable] $Manifest, [string] $Version) {
    $tags = [System.Collections.Generic.List[string]]::new()
    $tags.Add('PSModule')
    $tags.Add('PSIncludes_Cmdlet')
    foreach ($edition in @($Manifest['CompatiblePSEditions'])) { if ($edition) { $tags.Add("PSEdition_$edition") } }
    foreach ($cmdlet in @($Manifest['CmdletsToExport'])) {
        $tags.Add("PSCmdlet_$cmdlet")
        $tags.Add("PSCommand_$cmdlet")
    }
    $psData = $Manifest['PrivateData']['PSData']
    foreach ($tag in @($psData['Tags'])) { if ($tag) { $tags.Add($tag) } }

    $license = if ($psData['LicenseUri']) { "`n    <licenseUrl>$(ConvertTo-XmlText $psData['LicenseUri'])</licenseUrl>" } else { '' }
    @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>$moduleName</id>
    <version>$Version</version>
    <authors>$(ConvertTo-XmlText $Manifest['Author'])</authors>
    <owners>$(ConvertTo-XmlText $Manifest['Author'])</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>$license
    <description>$(ConvertTo-XmlText $Manifest['Description'])</description>
    <tags>$(ConvertTo-XmlText ($tags -join ' '))</tags>
  </metadata>
</package>
"@
}

function Add-ZipText($Archive, [string] $Name, [string] $Text) {
    $entry = $Archive.CreateEntry($Name)
    $writer = [System.IO.StreamWriter]::new($entry.Open(), [System.Text.UTF8Encoding]::new($false))
    try { $writer.Write($Text) } finally { $writer.Dispose() }
}

# A .nupkg is a zip: the nuspec and the module files at the root, plus the OPC parts NuGet expects.
function New-Nupkg([string] $Folder, [string] $Nuspec, [string] $Path) {
    [void][System.Reflection.Assembly]::Load('System.IO.Compression')
    [void][System.Reflection.Assembly]::Load('System.IO.Compression.ZipFile')
    if ([System.IO.File]::Exists($Path)) { [System.IO.File]::Delete($Path) }

    $archive = [System.IO.Compression.ZipFile]::Open($Path, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        Add-ZipText $archive "$moduleName.nuspec" $Nuspec
        $extensions = [System.Collections.Generic.SortedSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
        foreach ($file in [System.IO.Directory]::GetFiles($Folder, '*', [System.IO.SearchOption]::AllDirectories)) {
            $name = [System.IO.Path]::GetRelativePath($Folder, $file).Replace('\', '/')
            [void][System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($archive, $file, $name)
            $extension = [System.IO.Path]::GetExtension($file).TrimStart('.')
            if ($extension) { [void]$extensions.Add($extension) }
        }

        $defaults = foreach ($extension in $extensions) { "<Default Extension=`"$extension`" ContentType=`"application/octet`" />" }
        Add-ZipText $archive '[Content_Types].xml' @"
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" />$($defaults -join '')</Types>
"@
        Add-ZipText $archive '_rels/.rels' @"
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/$moduleName.nuspec" Id="R$([guid]::NewGuid().ToString('N').Substring(0, 16))" /></Relationships>
"@
    }
    finally {
        $archive.Dispose()
    }
}

function Invoke-Package {
    $layout = [System.IO.Path]::Combine($root, 'module')
    foreach ($required in @('NhsCommunity.dll', 'NhsCommunity.Format.ps1xml', 'NhsCommunity.Types.ps1xml', 'en-US/NhsCommunity.dll-Help.xml', 'NhsCommunity.Core.dll')) {
        if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($layout, $required))) {
            throw "module/$required is missing: build first (./build.ps1 -Task Build) or drop -NoBuild."
        }
    }

    $version = Get-ModuleVersion
    $folder = [System.IO.Path]::Combine($OutputDirectory, $moduleName)
    Write-Step "Laying out $moduleName $version in $folder"
    if ([System.IO.Directory]::Exists($folder)) { [System.IO.Directory]::Delete($folder, $true) }
    [void][System.IO.Directory]::CreateDirectory($folder)

    foreach ($assembly in @('NhsCommunity.dll', 'NhsCommunity.Core.dll')) {
        [System.IO.File]::Copy([System.IO.Path]::Combine($layout, $assembly), [System.IO.Path]::Combine($folder, $assembly))
    }
    foreach ($file in @('NhsCommunity.Format.ps1xml', 'NhsCommunity.Types.ps1xml')) {
        [System.IO.File]::Copy([System.IO.Path]::Combine($layout, $file), [System.IO.Path]::Combine($folder, $file))
    }
    Copy-Tree ([System.IO.Path]::Combine($layout, 'Dependencies')) ([System.IO.Path]::Combine($folder, 'Dependencies'))
    Copy-Tree ([System.IO.Path]::Combine($layout, 'en-US')) ([System.IO.Path]::Combine($folder, 'en-US'))
    $manifestPath = [System.IO.Path]::Combine($folder, "$moduleName.psd1")
    [System.IO.File]::WriteAllText($manifestPath, (New-PackageManifest $version), [System.Text.UTF8Encoding]::new($true))

    # The manifest must load from the package folder: every file it names is inside it.
    $manifest = Get-ManifestData $manifestPath
    $checked = Test-ModuleManifest -Path $manifestPath
    if ($checked.Version -ne [version]$version) { throw "The packaged manifest has version $($checked.Version), expected $version." }

    $nupkg = [System.IO.Path]::Combine($OutputDirectory, "$moduleName.$version.nupkg")
    Write-Step "Writing $nupkg"
    New-Nupkg $folder (New-Nuspec $manifest $version) $nupkg

    [pscustomobject]@{
        Name    = $moduleName
        Version = $version
        Folder  = $folder
        Package = $nupkg
    }
}

foreach ($step in $Task) {
    switch ($step) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' {
            if (-not $NoBuild -and $Task -notcontains 'Build') { Invoke-Build }
            Invoke-Package
        }
    }
}
