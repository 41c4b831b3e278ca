using System.Globalization;
using NhsCommunity.Database;
using NhsCommunity.Fixtures;
using Npgsql;
using NpgsqlTypes;

namespace NhsCommunity.Demo;

/// <summary>
/// Puts trust_metrics into the state a backfill expects: the table, and a row per NHS trust and month as the
/// RTT load would have left it (trust name, ICB, rtt_data, ae_data for hospital trusts, no community_data).
/// Seeding inserts only missing rows, so a second run changes nothing.
/// </summary>
internal sealed class TrustSeeder(DatabaseTarget database)
{
    private const string Columns = "trust_code, trust_name, period, data_type, icb_code, icb_name, rtt_data, ae_data";

    public async Task CreateTableAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(TrustMetricsSchema.CreateTable, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows whose trust is not one of the synthetic trusts: a real table that generated data must not touch.</summary>
    public Task<long> CountForeignRowsAsync(IReadOnlyList<SyntheticProvider> trusts, CancellationToken cancellationToken) =>
        CountRowsOfAsync(trusts, synthetic: false, cancellationToken);

    /// <summary>Rows of the synthetic trusts (code and name both theirs): generated data that real workbooks must not join.</summary>
    public Task<long> CountSyntheticRowsAsync(IReadOnlyList<SyntheticProvider> trusts, CancellationToken cancellationToken) =>
        CountRowsOfAsync(trusts, synthetic: true, cancellationToken);

    public async Task<long> CountRowsAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM trust_metrics", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<long> CountRowsOfAsync(IReadOnlyList<SyntheticProvider> trusts, bool synthetic, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT count(*) FROM trust_metrics t
            WHERE {(synthetic ? "" : "NOT ")}EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS s(code, name)
                                                      WHERE s.code = t.trust_code AND s.name = t.trust_name)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = trusts.Select(t => t.Code).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = trusts.Select(t => t.Name).ToArray() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A row for every trust and month that has none; returns how many were inserted.</summary>
    public async Task<int> SeedSyntheticAsync(IReadOnlyList<SyntheticProvider> trusts, IReadOnlyList<DateTime> months, CancellationToken cancellationToken)
    {
        var codes = new List<string>();
        var names = new List<string>();
        var periods = new List<DateOnly>();
        var icbCodes = new List<string>();
        var icbNames = new List<string>();
        var rtt = new List<string>();
        var ae = new List<string?>();
        foreach (SyntheticProvider trust in trusts)
        {
            foreach (DateTime month in months)
            {
                codes.Add(trust.Code);
                names.Add(trust.Name);
                periods.Add(DateOnly.FromDateTime(month));
                icbCodes.Add(trust.IcbCode);
                icbNames.Add($"NHS {trust.IcbName} INTEGRATED CARE BOARD");
                var random = new Random(StableSeed(trust.Code, month));
                rtt.Add(RttData(random));
                ae.Add(trust.Name.Contains("HOSPITALS", StringComparison.Ordinal) ? AeData(random) : null);
            }
        }

        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO trust_metrics ({Columns})
            SELECT code, name, period, 'monthly', icb_code, icb_name, rtt::jsonb, ae::jsonb
            FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS s(code, name, period, icb_code, icb_name, rtt, ae)
            ON CONFLICT (trust_code, period, data_type) DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = codes.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = names.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = periods.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = icbCodes.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = icbNames.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = rtt.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = ae.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Copies a CSV export of trust_metrics into an empty table (PostgreSQL parses the quoted JSON itself).</summary>
    public async Task<long> LoadCsvAsync(string csvPath, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using (TextWriter import = await connection.BeginTextImportAsync($"COPY trust_metrics ({Columns}) FROM STDIN WITH (FORMAT csv, HEADER true)", cancellationToken))
        using (var reader = new StreamReader(csvPath))
        {
            char[] buffer = new char[64 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await import.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM trust_metrics", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static int StableSeed(string code, DateTime month)
    {
        int seed = month.Year * 12 + month.Month;
        foreach (char c in code)
        {
            seed = unchecked(seed * 31 + c);
        }

        return seed;
    }

    private static string RttData(Random random)
    {
        int total = random.Next(8_000, 120_000);
        double within = 0.45 + random.NextDouble() * 0.25;
        int within18 = (int)(total * within);
        int over52 = (int)(total * (0.005 + random.NextDouble() * 0.03));
        return string.Create(CultureInfo.InvariantCulture, $$$"""
            {"trust_total":{"total_incomplete_pathways":{{{total}}},"total_within_18_weeks":{{{within18}}},"total_over_18_weeks":{{{total - within18}}},"total_52_plus_weeks":{{{over52}}},"percent_within_18_weeks":{{{Math.Round(within * 100, 2)}}},"median_wait_weeks":{{{Math.Round(10 + random.NextDouble() * 12, 2)}}}}}
            """);
    }

    private static string AeData(Random random)
    {
        int attendances = random.Next(6_000, 30_000);
        double performance = 0.6 + random.NextDouble() * 0.25;
        int over4 = (int)(attendances * (1 - performance));
        return string.Create(CultureInfo.InvariantCulture, $$$"""
            {"total_attendances":{{{attendances}}},"over_four_hours_total":{{{over4}}},"four_hour_performance_pct":{{{Math.Round(performance * 100, 1)}}},"emergency_admissions_total":{{{random.Next(1_500, 7_000)}}}}
            """);
    }
}
