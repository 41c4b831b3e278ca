using System.Management.Automation;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Help;

/// <summary>
/// What the generated help shows in the hosted engine, against values written out here: a syntax line per
/// parameter set, friendly type names, valid values, aliases, pipeline input, defaults, INPUTS from the
/// pipeline parameters, and the about topic.
/// </summary>
public sealed class GeneratedHelpTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    public void Dispose() => _session.Dispose();

    /// <summary>Each syntax item of the help as Get-Help prints it (the hosted engine has no formatter to print it).</summary>
    private const string SyntaxLines = """
        foreach ($item in @((Get-Help $Cmdlet).syntax.syntaxItem)) {
            $parts = foreach ($p in @($item.parameter)) {
                $value = if ($p.parameterValueGroup) { '{' + (@($p.parameterValueGroup.parameterValue) -join ' | ') + '}' } elseif ($p.parameterValue) { "<$($p.parameterValue)>" } else { '' }
                $name = if ($p.position -ne 'named') { "[-$($p.name)]" } else { "-$($p.name)" }
                $text = "$name $value".Trim()
                if ($p.required -eq 'true') { $text } else { "[$text]" }
            }
            (@($item.name) + @($parts)) -join ' '
        }
        """;

    [Fact]
    public void Syntax_has_a_line_per_parameter_set_with_friendly_types_and_valid_values()
    {
        var lines = Syntax("Get-CommunityWaitingList");

        Assert.Equal(2, lines.Count);
        Assert.Single(lines, l => l.StartsWith("Get-CommunityWaitingList -GroupBy {Icb | Trust | Period | Category | Service} ", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains(" [-Category {Adult | CYP}] ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains(" [-From <DateTime>] ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains(" [-MinTotalWaiting <Int64>] ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain("Nullable", l, StringComparison.Ordinal));
        Assert.Single(lines, l => !l.Contains("GroupBy", StringComparison.Ordinal));
    }

    [Fact]
    public void A_positional_parameter_set_reads_as_PowerShell_writes_it()
    {
        Assert.Equal(["ConvertTo-CommunityJsonb [-InputObject] <CommunityRecord[]> [-IncludeNonNhs]"], Syntax("ConvertTo-CommunityJsonb"));
    }

    [Theory]
    [InlineData("Get-CommunityWaitingList", "Category", "String", "None", "False", "none")]
    [InlineData("Get-CommunityWaitingList", "TrustCode", "String[]", "None", "True (ByPropertyName)", "Trust, OrganisationCode")]
    [InlineData("Get-CommunityWaitingList", "ServiceKey", "String[]", "None", "True (ByPropertyName)", "Service")]
    [InlineData("Get-CommunityWaitingList", "DataType", "String", "monthly", "False", "none")]
    [InlineData("Import-CommunityWorkbook", "Path", "String[]", "None", "True (ByValue, ByPropertyName)", "none")]
    [InlineData("Import-CommunityWorkbook", "LiteralPath", "String[]", "None", "True (ByPropertyName)", "PSPath, LP, FullName")]
    [InlineData("Import-CommunityWorkbook", "OrganisationType", "OrganisationTypeFilter", "Provider", "False", "none")]
    [InlineData("Update-TrustMetrics", "Json", "String", "None", "True (ByPropertyName)", "Document, CommunityData")]
    [InlineData("Update-TrustMetrics", "TimeoutSeconds", "Int32", "30", "False", "LockTimeoutSeconds")]
    [InlineData("Update-TrustMetrics", "RunId", "Guid", "None", "False", "none")]
    public void Parameter_help_comes_from_the_cmdlet(string cmdlet, string parameter, string type, string defaultValue, string pipeline, string aliases)
    {
        PSObject help = _session.Invoke("Get-Help $Cmdlet -Parameter $Parameter", new Dictionary<string, object?> { ["Cmdlet"] = cmdlet, ["Parameter"] = parameter }).Single();

        Assert.Equal(type, Property(help, "parameterValue"));
        Assert.Equal(defaultValue, Property(help, "defaultValue"));
        Assert.Equal(pipeline, Property(help, "pipelineInput"));
        Assert.Equal(aliases, Property(help, "aliases"));
    }

    [Fact]
    public void Wildcards_and_required_follow_the_attributes()
    {
        PSObject path = _session.Invoke("Get-Help Import-CommunityWorkbook -Parameter Path").Single();
        PSObject serviceKey = _session.Invoke("Get-Help Get-CommunityWaitingList -Parameter ServiceKey").Single();

        Assert.Equal(("true", "true", "0"), (Property(path, "globbing"), Property(path, "required"), Property(path, "position")));
        Assert.Equal(("false", "false", "named"), (Property(serviceKey, "globbing"), Property(serviceKey, "required"), Property(serviceKey, "position")));
    }

    [Fact]
    public void Inputs_name_what_binds_by_value_and_by_property_name()
    {
        var update = Inputs("Update-TrustMetrics");
        var import = Inputs("Import-CommunityWorkbook");

        Assert.Contains("NhsCommunity.Documents.CommunityDocument: Documents from ConvertTo-CommunityJsonb, or any objects with TrustCode, Period and Json properties. Binds by property name: TrustCode to -TrustCode, Period to -Period, Json to -Json, TrustName to -TrustName.", update);
        Assert.Contains("System.String: Paths; wildcards are expanded. Binds by value to -Path.", import);
        Assert.Contains("System.IO.FileInfo: Workbook files from Get-ChildItem. Binds by property name: FullName to -LiteralPath.", import);
        Assert.All([update, import], inputs => Assert.StartsWith("System.Management.Automation.PSObject: Any object with these properties binds them by property name:", inputs[^1], StringComparison.Ordinal));
    }

    [Fact]
    public void Outputs_are_the_OutputType_attributes()
    {
        var outputs = _session.Invoke("(Get-Help Get-CommunityWaitingList).returnValues.returnValue | ForEach-Object { $_.type.name }").Select(o => o.ToString()).ToList();

        Assert.Equal(["NhsCommunity.Queries.WaitingListRow", "NhsCommunity.Queries.WaitingListSummary"], outputs);
    }

    [Fact]
    public void About_topic_is_found_after_Import_Module()
    {
        var topic = _session.Invoke("Get-Help about_NhsCommunity");
        string text = string.Join("\n", topic.Select(o => o.ToString()));

        Assert.Contains("about_NhsCommunity", text, StringComparison.Ordinal);
        Assert.Contains("Import-CommunityWorkbook -Path ./chs/*.xlsx", text, StringComparison.Ordinal);
        Assert.Contains("NHSCOMMUNITY_CONNECTION", text, StringComparison.Ordinal);
        Assert.Contains("about_NhsCommunity", _session.Invoke("(Get-Help Update-TrustMetrics).relatedLinks.navigationLink.linkText").Select(o => o.ToString()));
    }

    private List<string> Syntax(string cmdlet) =>
        _session.Invoke(SyntaxLines, new Dictionary<string, object?> { ["Cmdlet"] = cmdlet }).Select(o => o.ToString()).ToList();

    /// <summary>"Type: description paragraphs" for each INPUTS entry.</summary>
    private List<string> Inputs(string cmdlet) =>
        _session.Invoke("(Get-Help $Cmdlet).inputTypes.inputType | ForEach-Object { $_.type.name + ': ' + (@($_.description | ForEach-Object { $_.Text.Trim() }) -join ' ') }",
            new Dictionary<string, object?> { ["Cmdlet"] = cmdlet }).Select(o => o.ToString()).ToList();

    private static string? Property(PSObject help, string name) => help.Properties[name]?.Value?.ToString();
}
