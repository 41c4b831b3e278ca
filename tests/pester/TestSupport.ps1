# Dot-sourced by every *.Tests.ps1 in its BeforeAll: the built module, the throw-away PostgreSQL cluster and
# the generated workbooks that Pester/PesterSuiteTests (tests/NhsCommunity.Tests) prepared for this run.
#   NHSCOMMUNITY_TEST_SERVER     Npgsql connection string of the cluster's postgres database (trust auth, loopback)
#   NHSCOMMUNITY_TEST_PSQL       psql of the same PostgreSQL installation
#   NHSCOMMUNITY_TEST_WORKBOOKS  a folder of generated workbooks (synthetic data in the real layout)
#   NHSCOMMUNITY_TEST_REVISIONS  a folder with a revised edition of April 2025 (other figures, a later revision date)
#   NHSCOMMUNITY_TEST_SEEDED     a template database: trust_metrics with a row per generated NHS trust and month
#   NHSCOMMUNITY_TEST_EMPTY      a template database: trust_metrics with no rows
#   NHSCOMMUNITY_TEST_BACKFILLED a template database: the seeded one with the generated workbooks backfilled
#   NHSCOMMUNITY_TEST_REAL_WORKBOOKS  NHS England's real workbooks, when the shared data is beside the checkout (else empty)
#   NHSCOMMUNITY_TEST_REALBACKFILLED  a template database: the trust_metrics fixture with the real workbooks backfilled (else empty)

$RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$Manifest = Join-Path $RepositoryRoot 'NhsCommunity.psd1'

foreach ($name in 'NHSCOMMUNITY_TEST_SERVER', 'NHSCOMMUNITY_TEST_PSQL', 'NHSCOMMUNITY_TEST_WORKBOOKS', 'NHSCOMMUNITY_TEST_SEEDED', 'NHSCOMMUNITY_TEST_EMPTY', 'NHSCOMMUNITY_TEST_BACKFILLED') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        throw "$name is not set: run the Pester suite through dotnet test (--filter FullyQualifiedName~PesterSuite), which starts PostgreSQL and writes the workbooks."
    }
}

# The developer's own database settings must not reach the module under test.
Remove-Item Env:NHSCOMMUNITY_CONNECTION, Env:PGHOST, Env:PGPORT, Env:PGDATABASE, Env:PGUSER, Env:PGPASSWORD -ErrorAction Ignore

Import-Module $Manifest -Force -ErrorAction Stop

$GeneratedWorkbooks = @(Get-ChildItem -LiteralPath $env:NHSCOMMUNITY_TEST_WORKBOOKS -Filter *.xlsx | Sort-Object Name)

# Parts of an Npgsql connection string (Key=Value;...), keys lower-cased without spaces.
function ConvertFrom-ConnectionString([string] $ConnectionString) {
    $parts = @{}
    foreach ($pair in $ConnectionString -split ';' | Where-Object { $_ -match '=' }) {
        $key, $value = $pair -split '=', 2
        $parts[($key -replace '\s', '').ToLowerInvariant()] = $value
    }
    $parts
}

# Runs SQL with psql (no module code involved) and returns its rows, one unaligned line each.
function Invoke-TestSql([string] $ConnectionString, [string] $Sql) {
    $parts = ConvertFrom-ConnectionString $ConnectionString
    $rows = & $env:NHSCOMMUNITY_TEST_PSQL -X -q -t -A -v ON_ERROR_STOP=1 -h $parts.host -p $parts.port -U $parts.username -d $parts.database -c $Sql
    if ($LASTEXITCODE -ne 0) { throw "psql failed ($LASTEXITCODE) on: $Sql" }
    $rows
}

# A new database copied from one of the templates; returns its connection string.
function New-TestDatabase([ValidateSet('Seeded', 'Empty', 'Backfilled', 'RealBackfilled')] [string] $From = 'Seeded') {
    $template = [Environment]::GetEnvironmentVariable("NHSCOMMUNITY_TEST_$($From.ToUpperInvariant())")
    $name = 'pester_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $null = Invoke-TestSql $env:NHSCOMMUNITY_TEST_SERVER "CREATE DATABASE $name TEMPLATE $template"
    $env:NHSCOMMUNITY_TEST_SERVER -replace '(?i)(Database=)[^;]*', "`${1}$name"
}

# Another pwsh, as a scheduler or a new terminal starts it: the same executable, no profile. Output has
# every line it printed; Errors the lines of its error stream.
function Invoke-ChildPwsh([string[]] $ArgumentList, [hashtable] $Environment = @{}) {
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $lines = @(& ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @ArgumentList 2>&1)
        [pscustomobject]@{
            ExitCode = $LASTEXITCODE
            Output   = @($lines | ForEach-Object { "$_" })
            Errors   = @($lines | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
        }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

# The parameters a command declares beyond the common ones, sorted.
function Get-OwnParameter([string] $Command) {
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    @((Get-Command $Command).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
}

# How each parameter takes pipeline input, as 'Name ByValue' / 'Name ByPropertyName', sorted.
function Get-PipelineBinding([string] $Command) {
    $bindings = foreach ($parameter in (Get-Command $Command).Parameters.Values) {
        foreach ($attribute in $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
            if ($attribute.ValueFromPipeline) { "$($parameter.Name) ByValue" }
            if ($attribute.ValueFromPipelineByPropertyName) { "$($parameter.Name) ByPropertyName" }
        }
    }
    @($bindings | Sort-Object -Unique)
}

# The parameters that are mandatory in at least one parameter set, sorted.
function Get-MandatoryParameter([string] $Command) {
    @((Get-Command $Command).Parameters.Values |
        Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Mandatory } } |
        ForEach-Object Name | Sort-Object)
}

# What TabExpansion2 offers at the end of $Line, as the prompt asks it.
function Get-Completion([string] $Line) {
    @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
}

# The analyst's everyday cmdlets on a module's output: Export-Csv, ConvertTo-Json, Select-Object,
# Group-Object and Sort-Object must each work on $InputObject without an error and keep every object.
function Assert-Shapeable {
    param([object[]] $InputObject, [string] $GroupProperty, [string] $SortProperty)
    $count = $InputObject.Count
    $count | Should -BeGreaterThan 0

    $csv = Join-Path $TestDrive ("{0}.csv" -f [guid]::NewGuid().ToString('N'))
    $InputObject | Export-Csv -LiteralPath $csv -ErrorAction Stop
    $rows = @(Import-Csv -LiteralPath $csv)
    $rows.Count | Should -Be $count
    $rows[0].PSObject.Properties.Name | Should -Contain $GroupProperty

    $json = $InputObject | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue -ErrorAction Stop
    @($json | ConvertFrom-Json -NoEnumerate | ForEach-Object { $_ }).Count | Should -Be $count

    $selected = @($InputObject | Select-Object -Property $GroupProperty, $SortProperty -ErrorAction Stop)
    $selected.Count | Should -Be $count
    $selected[0].PSObject.Properties.Name | Should -Be @($GroupProperty, $SortProperty)

    $groups = @($InputObject | Group-Object -Property $GroupProperty -ErrorAction Stop)
    ($groups | Measure-Object -Property Count -Sum).Sum | Should -Be $count

    $sorted = @($InputObject | Sort-Object -Property $SortProperty -ErrorAction Stop)
    $sorted.Count | Should -Be $count
    for ($i = 1; $i -lt $sorted.Count; $i++) {
        ($sorted[$i - 1].$SortProperty -le $sorted[$i].$SortProperty) | Should -BeTrue -Because "Sort-Object $SortProperty orders element $i"
    }
}

# The error that stops $Script (which passes -ErrorAction Stop), or $null when nothing failed.
function Get-ErrorRecord([scriptblock] $Script) {
    try { $null = & $Script } catch { return $_ }
    $null
}
