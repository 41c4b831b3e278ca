using System.Management.Automation;
using NhsCommunity.Catalogue;
using NhsCommunity.Tests.Infrastructure;
using Npgsql;

namespace NhsCommunity.Tests.Completion;

/// <summary>
/// The module's argument completers, attached to a function's parameters in the hosted engine and asked
/// through TabExpansion2, exactly as the prompt asks them.
/// </summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public sealed class ArgumentCompleterTests : IDisposable
{
    private const string TestFunction = """
        function Test-Completion {
            param(
                [ArgumentCompleter([NhsCommunity.Commands.Completion.ServiceKeyCompleter])] [string] $Service,
                [ArgumentCompleter([NhsCommunity.Commands.Completion.OrganisationTypeCompleter])] [string] $Level,
                [ArgumentCompleter([NhsCommunity.Commands.Completion.TrustCodeCompleter])] [string] $TrustCode,
                [ArgumentCompleter([NhsCommunity.Commands.Completion.PeriodCompleter])] [string] $Period,
                [string] $ConnectionString
            )
        }
        """;

    private readonly PowerShellSession _session = new();

    public ArgumentCompleterTests()
    {
        _session.Invoke(TestFunction.Replace("function Test-Completion", "function global:Test-Completion", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ltc_")]
    [InlineData("therapy_")]
    [InlineData("AUD")]
    [InlineData("")]
    public void Service_keys_complete_from_the_catalogue_by_prefix(string prefix)
    {
        var completions = Complete($"Test-Completion -Service {prefix}");

        var expected = ServiceCatalogue.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expected, completions.Select(c => c.CompletionText));
        Assert.NotEmpty(completions);
    }

    [Fact]
    public void Service_keys_complete_by_wildcard_and_the_tooltip_names_the_workbook_columns()
    {
        var completions = Complete("Test-Completion -Service *speech*");

        CompletionResult only = Assert.Single(completions);
        Assert.Equal("therapy_speech_language", only.CompletionText);
        foreach (ServiceDefinition service in ServiceCatalogue.All.Where(s => s.Key == "therapy_speech_language"))
        {
            Assert.Contains(service.HeaderText, only.ToolTip, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_quoted_word_completes_to_quoted_keys()
    {
        var completions = Complete("Test-Completion -Service 'home_");

        Assert.Equal(["'home_oxygen'"], completions.Select(c => c.CompletionText));
    }

    [Fact]
    public void Organisation_types_complete_from_the_enum()
    {
        Assert.Equal(Enum.GetNames<OrganisationType>(), Complete("Test-Completion -Level ").Select(c => c.CompletionText));
        Assert.Equal(["Provider"], Complete("Test-Completion -Level pro").Select(c => c.CompletionText));
    }

    [Fact]
    public void Without_a_reachable_database_trust_codes_and_periods_complete_to_nothing_and_do_not_throw()
    {
        // Port 1 on this machine refuses at once: the completers must swallow the failure.
        const string unreachable = "-ConnectionString 'Host=127.0.0.1;Port=1;Username=nobody;Database=none'";

        Assert.Empty(Complete($"Test-Completion {unreachable} -TrustCode R"));
        Assert.Empty(Complete($"Test-Completion {unreachable} -Period 2025"));
    }

    [SkippableFact]
    public void With_a_database_trust_codes_complete_by_code_or_name_and_periods_newest_first()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        string connection = TestPostgres.NewDatabase("completion");

        string schema = "completion_test_" + Guid.NewGuid().ToString("N")[..8];
        var builder = new NpgsqlConnectionStringBuilder(connection) { SearchPath = schema };
        using (var admin = new NpgsqlConnection(connection))
        {
            admin.Open();
            Execute(admin, $$"""
                CREATE SCHEMA {{schema}};
                CREATE TABLE {{schema}}.trust_metrics (trust_code varchar(3) NOT NULL, trust_name varchar(255) NOT NULL, period date NOT NULL,
                    data_type varchar(20) NOT NULL, community_data jsonb, UNIQUE (trust_code, period, data_type));
                INSERT INTO {{schema}}.trust_metrics VALUES
                    ('RR8', 'Leeds Teaching Hospitals NHS Trust', '2025-03-01', 'monthly', '{}'),
                    ('RY6', 'Leeds Community Healthcare NHS Trust', '2025-03-01', 'monthly', NULL),
                    ('RY6', 'Leeds Community Healthcare NHS Trust', '2025-04-01', 'monthly', '{}'),
                    ('RAL', 'Royal Free London NHS Foundation Trust', '2025-04-01', 'monthly', '{}');
                """);
        }

        try
        {
            string withConnection = $"Test-Completion -ConnectionString '{builder.ConnectionString}'";

            Assert.Equal(["RAL", "RR8", "RY6"], Complete($"{withConnection} -TrustCode R").Select(c => c.CompletionText));
            Assert.Equal(["RR8", "RY6"], Complete($"{withConnection} -TrustCode leeds").Select(c => c.CompletionText));
            Assert.Equal(["2025-04", "2025-03"], Complete($"{withConnection} -Period 2025").Select(c => c.CompletionText));
            CompletionResult april = Assert.Single(Complete($"{withConnection} -Period 2025-04"));
            Assert.Contains("2 trust", april.ToolTip, StringComparison.Ordinal);
        }
        finally
        {
            using var admin = new NpgsqlConnection(connection);
            admin.Open();
            Execute(admin, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    public void Dispose() => _session.Dispose();

    private List<CompletionResult> Complete(string input)
    {
        PSObject result = _session.Invoke("TabExpansion2 -inputScript $line -cursorColumn $line.Length", new Dictionary<string, object?> { ["line"] = input }).Single();
        return ((CommandCompletion)result.BaseObject).CompletionMatches.ToList();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
