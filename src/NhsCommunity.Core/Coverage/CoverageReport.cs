using System.Text;

namespace NhsCommunity.Coverage;

/// <summary>
/// What Test-CommunityCoverage found: the coverage of every trust and month, the findings of every check,
/// summary figures, and <see cref="Passed"/> (no Error finding) for scheduled scripts to test.
/// </summary>
public sealed class CoverageReport
{
    // The derived figures are worked out once, on first use: a report is immutable, and its files and summaries ask
    // for them many times over tens of thousands of rows.
    private int? _trusts;
    private int? _periods;
    private int? _documents;
    private IReadOnlyDictionary<string, int>? _findingsByCheck;
    private CoverageMatrix? _matrix;
    private IReadOnlyList<(DateTime Period, long Waiting52PlusWeeks, int Trusts)>? _waits52PlusByMonth;

    public required CoverageScope Scope { get; init; }

    /// <summary>"user@host:port/database", never with a password.</summary>
    public string Database { get; init; } = "";

    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>One row per trust_metrics row in scope, ordered by trust and month.</summary>
    public required IReadOnlyList<CoverageRow> Coverage { get; init; }

    /// <summary>Ordered by check (as <see cref="CoverageChecks.All"/>), trust, month and service.</summary>
    public required IReadOnlyList<CoverageFinding> Findings { get; init; }

    /// <summary>The checks that ran (SourceMismatch only when workbooks were given).</summary>
    public required IReadOnlyList<CoverageCheck> Checks { get; init; }

    /// <summary>Workbooks compared for SourceMismatch, if any.</summary>
    public IReadOnlyList<string> SourceFiles { get; init; } = [];

    public int Trusts => _trusts ??= Coverage.Select(r => r.TrustCode).Distinct(StringComparer.Ordinal).Count();

    public int Periods => _periods ??= Coverage.Select(r => r.Period).Distinct().Count();

    /// <summary>Rows whose document has at least one service.</summary>
    public int Documents => _documents ??= Coverage.Count(r => r.HasData);

    public int Rows => Coverage.Count;

    public DateTime? FirstPeriod => Coverage.Count == 0 ? null : Coverage.Min(r => r.Period);

    public DateTime? LastPeriod => Coverage.Count == 0 ? null : Coverage.Max(r => r.Period);

    /// <summary>Every check that ran, with its number of findings (0 included), in check order.</summary>
    public IReadOnlyDictionary<string, int> FindingsByCheck => _findingsByCheck ??=
        Checks.ToDictionary(c => c.Name, c => Findings.Count(f => f.Check == c.Name), StringComparer.Ordinal);

    public int Errors => Findings.Count(f => f.Severity == FindingSeverity.Error);

    public int Warnings => Findings.Count(f => f.Severity == FindingSeverity.Warning);

    /// <summary>True when no finding has Error severity.</summary>
    public bool Passed => Errors == 0;

    internal CoverageReport WithDatabase(string description) => new()
    {
        Scope = Scope,
        Database = description,
        GeneratedAt = GeneratedAt,
        Coverage = Coverage,
        Findings = Findings,
        Checks = Checks,
        SourceFiles = SourceFiles,
    };

    /// <summary>One row per trust, one column per month.</summary>
    public CoverageMatrix ToMatrix() => _matrix ??= CoverageMatrix.From(Coverage);

    /// <summary>Total 52+ week waits per month, over the trusts in scope.</summary>
    public IReadOnlyList<(DateTime Period, long Waiting52PlusWeeks, int Trusts)> Waits52PlusByMonth() => _waits52PlusByMonth ??=
        Coverage.GroupBy(r => r.Period.ToDateTime())
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(r => r.Waiting52PlusWeeks), g.Where(r => r.HasData).Select(r => r.TrustCode).Distinct(StringComparer.Ordinal).Count()))
            .ToArray();

    /// <summary>The SQL of one check, with this report's scope as literals: runnable as it is in any SQL editor.</summary>
    public string SqlOf(CoverageCheck check) => CoverageQueries.CheckSql(check, new CoverageSql(Scope, SqlStyle.Literals, fromMart: check.ReadsMart));

    /// <summary>The SQL of every check that ran, as one script.</summary>
    public string ChecksSql()
    {
        var script = new StringBuilder();
        script.Append("-- The checks of Test-CommunityCoverage, one statement each, runnable in any PostgreSQL SQL editor.\n");
        script.Append("-- Each returns: check_name, severity, trust_code, period, service, detail.\n\n");
        foreach (CoverageCheck check in Checks)
        {
            script.Append("-- ").Append(check.Name).Append(" (").Append(check.Severity).Append("): ").Append(check.Description).Append('\n');
            script.Append(SqlOf(check)).Append("\n\n");
        }

        script.Append("-- Coverage: one row per trust and month.\n");
        script.Append(CoverageQueries.CoverageSqlText(new CoverageSql(Scope, SqlStyle.Literals))).Append('\n');
        return script.ToString();
    }
}
