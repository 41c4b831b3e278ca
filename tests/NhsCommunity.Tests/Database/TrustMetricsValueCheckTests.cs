using System.Management.Automation;
using NhsCommunity.Backfill;
using NhsCommunity.Database;
using NhsCommunity.Documents;
using NhsCommunity.Fixtures;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>Values trust_metrics cannot store are reported for their trust, and the rest of the month is written.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class TrustMetricsValueCheckTests
{
    private static readonly DateTime August = new(2024, 8, 1);
    private static readonly ColumnLimits UsersTable = new(3, 255);

    private static CommunityDocument Document(string code = "RX1", string name = "A TRUST", string json = """{"adult_services":{}}""") =>
        new() { TrustCode = code, TrustName = name, Period = Month.Of(August), Json = json };

    /// <summary>The rule itself, as a literal table: each value and whether the users' table (varchar(3) code, varchar(255) name) can store it.</summary>
    [Theory]
    [InlineData("RX1", "A TRUST", """{"adult_services":{}}""", null)]
    [InlineData("RX1", "A TRUST", "{}", null)]
    [InlineData("rx1", "A TRUST", "{}", "The trust code 'rx1' is not an upper-case code without spaces (as 'RX1')")]
    [InlineData("Rx1", "A TRUST", "{}", "The trust code 'Rx1' is not an upper-case code without spaces (as 'RX1')")]
    [InlineData("RX1 ", "A TRUST", "{}", "The trust code 'RX1 ' is not an upper-case code without spaces (as 'RX1')")]
    [InlineData("", "A TRUST", "{}", "The trust code '' is not an upper-case code without spaces (as 'RX1')")]
    [InlineData("RX12", "A TRUST", "{}", "The trust code 'RX12' has 4 characters; trust_metrics.trust_code holds at most 3")]
    [InlineData("R\0X", "A TRUST", "{}", "The trust code contains a NUL character (U+0000), which PostgreSQL text cannot hold")]
    [InlineData("RX1", "A\0TRUST", "{}", "The trust name contains a NUL character (U+0000), which PostgreSQL text cannot hold")]
    [InlineData("RX1", "A TRUST", "[1,2]", "The document is a JSON array, not a JSON object")]
    [InlineData("RX1", "A TRUST", "\"text\"", "The document is a JSON string, not a JSON object")]
    [InlineData("RX1", "A TRUST", "42", "The document is a JSON number, not a JSON object")]
    [InlineData("RX1", "A TRUST", "null", "The document is a JSON null, not a JSON object")]
    [InlineData("RX1", "A TRUST", "", "The document is empty, not a JSON object")]
    [InlineData("RX1", "A TRUST", "{\"a\":1", "The document is not valid JSON (line 1, byte 7)")]
    [InlineData("RX1", "A TRUST", "{}{}", "The document is not valid JSON (line 1, byte 3)")]
    [InlineData("RX1", "A TRUST", """{"a":"x\u0000y"}""", "The document has a \\u0000 (NUL) in a string at byte 5, which jsonb cannot hold")]
    [InlineData("RX1", "A TRUST", """{"\u0000":1}""", "The document has a \\u0000 (NUL) in a string at byte 1, which jsonb cannot hold")]
    [InlineData("RX1", "A TRUST", """{"a":"\ud800"}""", "The document has an escaped unpaired UTF-16 surrogate in a string, which jsonb cannot hold")]
    public void Each_value_the_table_cannot_store_is_named(string code, string name, string json, string? expected)
    {
        var check = new TrustMetricsValueCheck(UsersTable, namesStored: true);
        Assert.Equal(expected, check.Problem(Document(code, name, json)));
    }

    [Fact]
    public void Broken_utf16_is_named_in_a_name_and_in_a_document()
    {
        // Made here rather than in [InlineData], which would not keep an unpaired surrogate as it is.
        string broken = "A " + '\uD800' + "TRUST";
        var check = new TrustMetricsValueCheck(UsersTable, namesStored: true);
        Assert.Equal("The trust name contains a broken character (an unpaired UTF-16 surrogate)", check.Problem(Document(name: broken)));
        Assert.Equal("The document contains a broken character (an unpaired UTF-16 surrogate)", check.Problem(Document(json: "{\"a\":\"" + broken + "\"}")));
    }

    [Fact]
    public void A_name_is_checked_against_the_column_in_characters_exactly_at_the_limit()
    {
        var check = new TrustMetricsValueCheck(UsersTable, namesStored: true);
        Assert.Null(check.Problem(Document(name: new string('N', 255))));
        Assert.Equal("The trust name has 256 characters; trust_metrics.trust_name holds at most 255", check.Problem(Document(name: new string('N', 256))));

        // PostgreSQL counts characters, not UTF-16 units: 255 characters of which one is outside the BMP fit.
        Assert.Null(check.Problem(Document(name: new string('N', 254) + "\U0001F3E5")));
    }

    [Fact]
    public void A_name_that_is_not_stored_is_not_checked_and_unknown_limits_check_no_length()
    {
        Assert.Null(new TrustMetricsValueCheck(UsersTable, namesStored: false).Problem(Document(name: "A\0TRUST " + new string('N', 300))));
        Assert.Null(new TrustMetricsValueCheck(ColumnLimits.Unknown, namesStored: true).Problem(Document(code: "RX12", name: new string('N', 300))));
    }

    [Fact]
    public void A_rejected_trust_fails_the_backfill_summary()
    {
        var tally = new BackfillTally();
        var runId = Guid.NewGuid();
        tally.MonthWritten(new MonthWriteOutcome(August, [
            new TrustMetricsWriteResult("RX1", Month.Of(August), TrustMetricsWriteStatus.Updated, "filled", runId),
            new TrustMetricsWriteResult("RX2", Month.Of(August), TrustMetricsWriteStatus.Rejected, "The trust name has 256 characters; trust_metrics.trust_name holds at most 255. Nothing was written", runId),
        ], 1, 1, TimeSpan.Zero, null));

        BackfillSummary summary = tally.Summarise(runId, "u@h:5432/d", 3, TimeSpan.Zero);

        Assert.Equal(1, summary.MonthsWritten);
        Assert.Equal(1, summary.TrustsUpdated);
        Assert.Equal(1, summary.TrustsRejected);
        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(["RX2 2024-08: The trust name has 256 characters; trust_metrics.trust_name holds at most 255. Nothing was written"], summary.Failures);
    }

    [SkippableFact]
    public async Task With_add_missing_rows_bad_names_codes_and_documents_are_rejected_and_the_rest_of_the_month_is_written()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("value_check", trusts: 6);

        // The limit comes from the catalog: a table whose trust_name holds 40 characters is checked against 40.
        db.Scalar("ALTER TABLE trust_metrics ALTER COLUMN trust_name TYPE varchar(40)");
        List<CommunityDocument> month = db.Documents(August);
        month[1] = SyntheticBackfill.Document("R02", August, 7, "NAME\0WITH NUL");
        month[3] = new CommunityDocument { TrustCode = "R04", TrustName = "NAME OF R04", Period = Month.Of(August), Json = "[1]" };
        month.Add(SyntheticBackfill.Document("R91", August, 9, new string('N', 41)));
        month.Add(SyntheticBackfill.Document("R92", August, 9, new string('N', 40)));
        month.Add(SyntheticBackfill.Document("r93", August, 9, "LOWER CASE CODE"));
        month.Add(SyntheticBackfill.Document("R94", August, 9, "NUL\0NAME"));
        string rejectedBefore = db.Scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE trust_code IN ('R02', 'R04')");

        MonthWriteOutcome outcome = Assert.Single(await db.WriteAsync(new TrustMetricsWriteOptions { AddMissingRows = true }, (August, month)));

        Assert.Null(outcome.Failure);
        Assert.Equal(1, outcome.RoundTrips);
        Assert.Equal(
            ["R01 Updated", "R02 Rejected", "R03 Updated", "R04 Rejected", "R05 Updated", "R06 Updated", "R91 Rejected", "R92 Inserted", "r93 Rejected", "R94 Rejected"],
            outcome.Results.Select(r => $"{r.TrustCode} {r.Status}"));
        Assert.Equal(
            "The trust name has 41 characters; trust_metrics.trust_name holds at most 40. Nothing was written for this trust in 2024-08; correct the input and run again.",
            outcome.Results.Single(r => r.TrustCode == "R91").Reason);
        Assert.Equal(
            "The document is a JSON array, not a JSON object. Nothing was written for this trust in 2024-08; correct the input and run again.",
            outcome.Results.Single(r => r.TrustCode == "R04").Reason);
        Assert.StartsWith("The trust name contains a NUL character", outcome.Results.Single(r => r.TrustCode == "R02").Reason, StringComparison.Ordinal);

        Assert.Equal(rejectedBefore, db.Scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM trust_metrics t WHERE trust_code IN ('R02', 'R04')"));
        Assert.Equal("0", db.Scalar("SELECT count(*) FROM trust_metrics WHERE trust_code IN ('R91', 'r93', 'R93', 'R94')"));
        Assert.Equal(new string('N', 40), db.Scalar("SELECT trust_name FROM trust_metrics WHERE trust_code = 'R92'"));
        Assert.Equal("4", db.Scalar($"SELECT count(*) FROM trust_metrics WHERE period = '2024-08-01' AND community_data IS NOT NULL AND trust_code <> 'R92'"));
    }

    [SkippableFact]
    public void Update_TrustMetrics_reports_a_rejected_trust_as_an_error_and_writes_the_others()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        var db = new SyntheticBackfill("value_check_cmdlet", trusts: 4);
        List<CommunityDocument> month = db.Documents(August);
        month[2] = new CommunityDocument { TrustCode = "R03", TrustName = "NAME OF R03", Period = Month.Of(August), Json = "\"not an object\"" };
        using var session = new PowerShellSession();

        ScriptResult run = session.Run("$docs | Update-TrustMetrics -ConnectionString $cs", new Dictionary<string, object?> { ["docs"] = month, ["cs"] = db.ConnectionString });

        var error = Assert.Single(run.Errors);
        Assert.Equal("UpdateTrustMetricsDocumentRejected,NhsCommunity.Commands.UpdateTrustMetricsCommand", error.FullyQualifiedErrorId);
        Assert.Equal("R03 2024-08", error.TargetObject);
        Assert.Equal("R03 2024-08: The document is a JSON string, not a JSON object. Nothing was written for this trust in 2024-08; correct the input and run again.", error.ToString());
        var results = run.Output.Select(o => (TrustMetricsWriteResult)o.BaseObject).ToList();
        Assert.Equal(["R01 Updated", "R02 Updated", "R03 Rejected", "R04 Updated"], results.Select(r => $"{r.TrustCode} {r.Status}"));
        Assert.Equal("3", db.Scalar("SELECT count(*) FROM trust_metrics WHERE period = '2024-08-01' AND community_data IS NOT NULL"));
    }

    [SkippableFact]
    public void Invoke_CommunityBackfill_counts_a_provider_name_longer_than_the_column_and_exits_non_zero()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);
        using var folder = new TempDirectory();
        var providers = SyntheticProviders.ForMonth(August).ToList();
        int renamed = providers.FindIndex(p => p.IsNhsTrust);
        string code = providers[renamed].Code;
        providers[renamed] = providers[renamed] with { Name = new string('N', 300) };
        var spec = new WorkbookSpec(August) { Providers = providers };
        CommunityWorkbookWriter.Write(folder.File(spec.FileName), spec);
        int trusts = providers.Count(p => p.IsNhsTrust);

        string connectionString = TestPostgres.NewDatabase("value_check_backfill");
        using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var create = new Npgsql.NpgsqlCommand(TrustMetricsSchema.CreateTable, connection);
            create.ExecuteNonQuery();
        }

        using var session = new PowerShellSession();
        ScriptResult run = session.Run("Invoke-CommunityBackfill -Path $folder -ConnectionString $cs -AddMissingRows",
            new Dictionary<string, object?> { ["folder"] = folder.Path, ["cs"] = connectionString });

        var summary = Assert.IsType<BackfillSummary>(Assert.Single(run.Output).BaseObject);
        Assert.Equal(1, summary.MonthsWritten);
        Assert.InRange(summary.TrustsInserted, trusts - 10, trusts - 1); // trusts with no community service get no document
        Assert.Equal(summary.TrustsInserted.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(connectionString, "SELECT count(*) FROM trust_metrics"));
        Assert.Equal("0", Scalar(connectionString, $"SELECT count(*) FROM trust_metrics WHERE trust_code = '{code}'"));
        Assert.Equal(1, summary.TrustsRejected);
        Assert.False(summary.Succeeded);
        Assert.Equal(1, summary.ExitCode);
        Assert.Equal([$"{code} 2024-08: The trust name has 300 characters; trust_metrics.trust_name holds at most 255. Nothing was written for this trust in 2024-08; correct the input and run again."], summary.Failures);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal("InvokeCommunityBackfillDocumentRejected,NhsCommunity.Commands.InvokeCommunityBackfillCommand", error.FullyQualifiedErrorId);
        Assert.Equal($"{code} 2024-08", error.TargetObject);
    }

    private static string Scalar(string connectionString, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
