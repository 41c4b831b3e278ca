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
        stops the server again. The generated workbooks go into the local database 'nhscommunity', your
        own workbooks (-Path) into 'nhscommunity_workbooks', so synthetic and real data never mix.

        Options:
          -Path <file|folder>        Backfill these workbooks (repeatable) instead of 12 generated ones.
          -ConnectionString <cs>     Write to this database and start no server (default: NHSCOMMUNITY_CONNECTION).
          -DataDirectory <folder>    The local server's data folder (default: .nhscommunity/postgres in the repository).
          -Fresh                     Start afresh: drop this run's local database and create it again
                                     (only the program's own server; never a -ConnectionString database).
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

    public bool Fresh { get; private set; }

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
                case "FRESH":
                    options.Fresh = true;
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

    /// <summary>
    /// Every path the command line names, checked before a server is started: the workbooks (files, or folders
    /// holding .xlsx files), the -Trusts file, and folders that must not be files. Returns the workbooks to read.
    /// </summary>
    public IReadOnlyList<string> CheckPaths()
    {
        var workbooks = new List<string>();
        foreach (string given in Paths)
        {
            string path = System.IO.Path.GetFullPath(given);
            if (Directory.Exists(path))
            {
                string[] files = Directory.GetFiles(path, "*.xlsx").Order(StringComparer.Ordinal).ToArray();
                workbooks.AddRange(files.Length > 0 ? files : throw new DemoUsageException($"-Path: the folder '{path}' holds no .xlsx workbooks."));
            }
            else
            {
                workbooks.Add(File.Exists(path) ? path : throw new DemoUsageException($"-Path: '{path}' does not exist."));
            }
        }

        if (TrustsCsv is not null)
        {
            if (Paths.Count == 0)
            {
                throw new DemoUsageException("-Trusts seeds trust_metrics for your own workbooks: give them with -Path (the generated workbooks seed their own trusts).");
            }

            if (!File.Exists(TrustsCsv))
            {
                throw new DemoUsageException($"-Trusts: '{System.IO.Path.GetFullPath(TrustsCsv)}' does not exist.");
            }
        }

        foreach (var (option, folder) in new[] { ("-DataDirectory", DataDirectory), ("-WorkbookDirectory", WorkbookDirectory) })
        {
            if (folder is not null && File.Exists(folder))
            {
                throw new DemoUsageException($"{option}: '{System.IO.Path.GetFullPath(folder)}' is a file; give a folder (it is created if missing).");
            }
        }

        return workbooks;
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
