namespace NhsCommunity.Demo;

/// <summary>
/// The command line. Options take PowerShell's spelling (-Path) or the usual long form (--path), any case,
/// so the README can show the same names as the cmdlets.
/// </summary>
internal sealed class DemoOptions
{
    public const string Usage = """
        Usage: dotnet run --project src/NhsCommunity.Demo -c Release [-- options]

        Starts a PostgreSQL of its own (unless a database is given), creates and seeds trust_metrics,
        backfills twelve months of CHS workbooks with Invoke-CommunityBackfill, prints the coverage and
        stops the server again.

        Options:
          -Path <file|folder>        Backfill these workbooks (repeatable) instead of 12 generated ones.
          -ConnectionString <cs>     Write to this database and start no server (default: NHSCOMMUNITY_CONNECTION).
          -DataDirectory <folder>    The local server's data folder (default: .nhscommunity/postgres in the repository).
          -WorkbookDirectory <dir>   Where generated workbooks go (default: .nhscommunity/generated).
          -Trusts <csv>              Seed trust_metrics from a CSV export of it (trust_code,trust_name,period,
                                     data_type,icb_code,icb_name,rtt_data,ae_data) when backfilling -Path files.
          -CompareWithWorkbooks      Also compare every stored number with the workbook cells (Test-CommunityCoverage
                                     -Path; the SourceMismatch check). Slower: the workbooks are read again.
          -Help                      Show this text.

        Exit codes: 0 success; 1 the backfill or coverage found a failure; 2 bad options or nothing to run on.
        """;

    public List<string> Paths { get; } = [];

    public string? ConnectionString { get; private set; }

    public string? DataDirectory { get; private set; }

    public string? WorkbookDirectory { get; private set; }

    public string? TrustsCsv { get; private set; }

    public bool CompareWithWorkbooks { get; private set; }

    public bool Help { get; private set; }

    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i].TrimStart('-').Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
            switch (name)
            {
                case "PATH" or "P" or "LITERALPATH":
                    options.Paths.Add(Value(args, ref i));
                    break;
                case "CONNECTIONSTRING" or "CONNECTION" or "C":
                    options.ConnectionString = Value(args, ref i);
                    break;
                case "DATADIRECTORY" or "DATA":
                    options.DataDirectory = Value(args, ref i);
                    break;
                case "WORKBOOKDIRECTORY":
                    options.WorkbookDirectory = Value(args, ref i);
                    break;
                case "TRUSTS":
                    options.TrustsCsv = Value(args, ref i);
                    break;
                case "COMPAREWITHWORKBOOKS":
                    options.CompareWithWorkbooks = true;
                    break;
                case "HELP" or "H" or "?":
                    options.Help = true;
                    break;
                default:
                    throw new DemoUsageException($"Unknown option '{args[i]}'.");
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || string.IsNullOrWhiteSpace(args[i + 1]))
        {
            throw new DemoUsageException($"Option '{args[i]}' needs a value.");
        }

        return args[++i];
    }
}
