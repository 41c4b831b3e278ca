using System.Management.Automation;
using Npgsql;
using NhsCommunity.Database;
using NhsCommunity.Tests.Infrastructure;

namespace NhsCommunity.Tests.Database;

/// <summary>No message, in any stream, repeats any part of a password: malformed strings, and driver messages that hold it.</summary>
[Trait("Category", "Database")]
[Trait("Category", "Pwsh")]
public class ConnectionSecretTests
{
    // Two halves that are each distinctive, so a message that quotes only part of the password is caught too.
    private const string FirstHalf = "Pw7xQv";
    private const string SecondHalf = "kR9zTm";
    private const string Secret = FirstHalf + ";" + SecondHalf;

    [Fact]
    public void The_reported_case_names_no_part_of_the_string_and_says_what_to_do()
    {
        var e = Assert.Throws<DatabaseConfigurationException>(() => DatabaseConnection.Resolve("Host=db.example.org;Password=secret99;database=nhs;Username=u;Password=x;y"));
        Assert.Equal(
            "The connection string is not a list of 'Key=Value;' pairs with keys the driver knows. Put values that contain ';', '=' or quotes in double quotes (Password=\"a;b\"), or better, give the password with -Credential, PGPASSWORD or ~/.pgpass. (The string is not repeated here, as it may hold the password.)",
            e.Message);
        Assert.Null(e.InnerException);
    }

    [Theory]
    [InlineData("Host=db.example.org;Port=abc;Password=\"" + Secret + "\"", "port")]
    [InlineData("Host=db.example.org;SSL Mode=sometimes;Password=x", "ssl mode")]
    [InlineData("Host=db.example.org;Timeout=-5", "timeout")]
    public void A_bad_value_of_a_known_key_names_only_the_key(string connectionString, string key)
    {
        var e = Assert.Throws<DatabaseConfigurationException>(() => DatabaseConnection.Resolve(connectionString));
        Assert.StartsWith($"The connection string's value for '{key}' is not valid. ", e.Message, StringComparison.Ordinal);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void Malformed_strings_never_carry_the_password_into_the_exception()
    {
        foreach (string connectionString in MalformedStrings(closedPort: 1))
        {
            try
            {
                DatabaseConnection.Resolve(connectionString);
            }
            catch (DatabaseConfigurationException e)
            {
                AssertNoSecret(e.ToString(), connectionString);
                Assert.Null(e.InnerException);
            }
        }
    }

    [SkippableFact]
    public void Malformed_strings_never_show_the_password_in_any_stream_of_a_cmdlet()
    {
        int closedPort = LocalPorts.Closed();
        using var session = new PowerShellSession();
        int refusedAsConfiguration = 0;
        foreach (string connectionString in MalformedStrings(closedPort))
        {
            // Debug and information go to the output, so every stream is in the result.
            ScriptResult run = session.Run(
                "& { Get-CommunityWaitingList -ConnectionString $cs -Verbose -Debug -InformationAction Continue } 5>&1 6>&1",
                new Dictionary<string, object?> { ["cs"] = connectionString });

            Assert.NotEmpty(run.Errors);
            refusedAsConfiguration += run.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("GetCommunityWaitingListInvalidConnection", StringComparison.Ordinal));
            AssertNoSecret(AllText(run), connectionString);
        }

        Assert.True(refusedAsConfiguration >= 20, $"Only {refusedAsConfiguration} strings were refused as malformed: the set does not test the parser.");
    }

    [Fact]
    public void A_driver_message_holding_the_password_is_redacted_through_the_whole_chain()
    {
        using DatabaseTarget target = DatabaseTarget.Resolve($"Host=db.example.org;Username=u;Password=\"{Secret}\"");
        var driver = new NpgsqlException($"server said: password \"{Secret}\" is wrong", new IOException($"sent {SecondHalf} twice"));

        Exception safe = target.Redact(driver);

        Assert.Equal("server said: password \"***\" is wrong", safe.Message);
        var redacted = Assert.IsType<RedactedException>(safe);
        Assert.Equal("NpgsqlException", redacted.OriginalType);
        Assert.DoesNotContain(Secret, safe.ToString(), StringComparison.Ordinal);
        Assert.Equal($"sent {SecondHalf} twice", safe.InnerException!.Message); // half alone is not the password
        Assert.Equal("no secret here", target.Redact(new IOException("no secret here")).Message);
        Assert.Same(driver.InnerException, target.Redact(driver.InnerException!));
    }

    [SkippableFact]
    public async Task A_server_error_that_echoes_the_password_is_redacted_in_the_core_and_in_every_stream()
    {
        Skip.IfNot(TestPostgres.IsAvailable, TestPostgres.NotInstalledReason);

        // The test server trusts local connections, so it never asks for the password: it refuses the
        // unknown role, and names it. Here the role's name is the password, so the message holds it.
        const string echoed = "Zk4role-" + SecondHalf;
        string connectionString = $"Host=127.0.0.1;Port={TestPostgres.Instance.Port};Username={echoed};Password={echoed};Database=postgres;SSL Mode=Disable";

        using (DatabaseTarget target = DatabaseTarget.Resolve(connectionString))
        {
            DatabaseUnavailableException e = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => target.OpenConnectionAsync(CancellationToken.None));
            Assert.Equal($"Could not connect to ***@127.0.0.1:{TestPostgres.Instance.Port}/postgres: 28000: role \"***\" does not exist", e.Message);
            Assert.DoesNotContain(echoed, e.ToString(), StringComparison.Ordinal);
        }

        using var session = new PowerShellSession();
        ScriptResult run = session.Run(
            "& { Get-CommunityWaitingList -ConnectionString $cs -Verbose -Debug -InformationAction Continue } 5>&1 6>&1",
            new Dictionary<string, object?> { ["cs"] = connectionString });
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal("GetCommunityWaitingListDatabaseUnavailable,NhsCommunity.Commands.GetCommunityWaitingListCommand", error.FullyQualifiedErrorId);
        Assert.Contains("role \"***\" does not exist", error.ToString(), StringComparison.Ordinal);
        string all = AllText(run);
        Assert.DoesNotContain(echoed, all, StringComparison.Ordinal);
        Assert.DoesNotContain(SecondHalf, all, StringComparison.Ordinal);
    }

    /// <summary>
    /// Seeded, so every run tests the same strings: the password with ';', '=', quotes and spaces put in at
    /// random, in every position of the string, and a few hand-made shapes.
    /// </summary>
    private static IEnumerable<string> MalformedStrings(int closedPort)
    {
        string start = $"Host=127.0.0.1;Port={closedPort};Username=u";
        yield return $"{start};Password={Secret};Database=x";
        yield return $"{start};Password=\"{Secret}";
        yield return $"{start};Password='{Secret}";
        yield return $"{start};Password={Secret}";
        yield return Secret;
        yield return $"{Secret}={Secret}";
        yield return $"{start};{Secret}=1";
        yield return $"{start};Password={FirstHalf}={SecondHalf};Database=x";
        yield return $"{start};Port={Secret}";
        yield return $"{start};SSL Mode={Secret}";
        yield return $"{start};Password=\"{FirstHalf}\"{SecondHalf}\"";
        yield return $"Password={Secret};{start}";

        string[] noise = [";", "=", "\"", "'", " ", ";;", "==", "\";", "';", "; "];
        var random = new Random(20261130);
        for (int i = 0; i < 40; i++)
        {
            string password = Secret;
            for (int n = random.Next(1, 4); n > 0; n--)
            {
                int at = random.Next(password.Length + 1);
                password = password.Insert(at, noise[random.Next(noise.Length)]);
            }

            yield return random.Next(3) switch
            {
                0 => $"{start};Password={password};Database=x",
                1 => $"Password={password};{start}",
                _ => $"{start};Password={password}",
            };
        }
    }

    private static void AssertNoSecret(string text, string connectionString)
    {
        foreach (string part in new[] { Secret, FirstHalf, SecondHalf })
        {
            Assert.False(text.Contains(part, StringComparison.Ordinal), $"'{part}' shows for the connection string [{connectionString}]:\n{text}");
        }
    }

    /// <summary>Everything a user or a log could see: output (with debug and information), errors whole, warnings, verbose and progress.</summary>
    private static string AllText(ScriptResult run) => string.Join('\n', [
        .. run.Output.Select(o => o?.ToString() ?? ""),
        .. run.Errors.SelectMany(e => new[] { e.ToString(), e.Exception.ToString(), e.TargetObject?.ToString() ?? "", e.ErrorDetails?.Message ?? "", e.CategoryInfo.ToString(), e.FullyQualifiedErrorId }),
        .. run.Warnings,
        .. run.Verbose,
        .. run.Progress.SelectMany(p => new[] { p.Activity, p.StatusDescription, p.CurrentOperation ?? "" }),
    ]);
}
