using System.Globalization;
using NhsCommunity.Catalogue;

namespace NhsCommunity.Fixtures;

/// <summary>Lays a generated workbook out as cells, sheet by sheet, in the publication's layout.</summary>
internal static class SheetBuilder
{
    public static IReadOnlyList<SheetModel> Build(SyntheticWorkbook workbook, List<InjectedCell> injected)
    {
        WorkbookSpec spec = workbook.Spec;
        var sheets = new List<SheetModel>
        {
            Cover(spec),
            Contents(workbook),
            Table1(workbook),
            Table2(workbook),
            Table3(workbook),
        };
        foreach (WaitBand band in workbook.Bands)
        {
            sheets.Add(BandSheet(workbook, band));
        }

        foreach (string extra in spec.ExtraSheets)
        {
            sheets.Add(new SheetModel(extra, [["Not part of the Community health services waiting lists publication."]]));
        }

        ApplyOverrides(workbook, sheets, injected);
        return sheets.Where(s => !spec.OmitSheets.Contains(s.Name, StringComparer.Ordinal)).ToArray();
    }

    private static SheetModel Cover(WorkbookSpec spec)
    {
        int start = WorkbookFinancialYearStart(spec.Period);
        return new SheetModel(PublishedLayout.CoverSheet,
        [
            ["Title:", "Community Health Services Waiting Times"],
            ["Summary:", "This publication uses Community Health Services (CHS) SitRep data to report on waiting lists and waiting times in community health services in England. Data are unvalidated management"],
            ["", "information."],
            ["Period:", $"01 April {start} - 31 March {start + 1}"],
            ["Source:", "Community Health Services (CHS) SitRep"],
            ["Basis:", "Provider"],
            ["Published:", Date(spec.Published)],
            ["Revised:", spec.Revised is { } revised ? Date(revised) : "-"],
            ["Status:", "Published"],
            ["Contact:", "communityhealthservices@example.nhs.uk"],
        ]);
    }

    private static SheetModel Contents(SyntheticWorkbook workbook)
    {
        var rows = new List<IReadOnlyList<object?>>
        {
            (object?[])["Contents"],
            (object?[])["Table 1: Number of organisations that did not submit data by month"],
            (object?[])["Table 2: National time series of total reported waiting list by service"],
            (object?[])[$"Table 3: National overview of waiting list metrics by service, {PublishedLayout.MonthYear(workbook.Period)}"],
        };
        foreach (WaitBand band in workbook.Bands)
        {
            // The contents list drops the '>' the sheet titles carry.
            string title = PublishedLayout.Title(band, workbook.Period).Replace(">", "", StringComparison.Ordinal);
            rows.Add((object?[])[$"{PublishedLayout.SheetName(band, workbook.Split52)}: {title}"]);
        }

        return new SheetModel(PublishedLayout.ContentsSheet, rows);
    }

    private static SheetModel Table1(SyntheticWorkbook workbook)
    {
        DateTime[] months = FinancialYearMonths(workbook.Period);
        int inScope = workbook.Organisations.Count(o => o.Type == OrganisationType.Provider);
        var rows = new List<IReadOnlyList<object?>>
        {
            (object?[])[$"Number of organisations of {inScope} in scope that did not submit data at national, regional and ICB level"],
            (object?[])["Counts of providers that made no submission, by month."],
            (object?[])["Organisation Type", "Organisation Name", .. months.Select(m => (object?)SyntheticWorkbook.MonthLabel(m))],
        };
        foreach (OrganisationRow org in workbook.Organisations.Where(o => o.Type != OrganisationType.Provider))
        {
            string type = org.Type == OrganisationType.National ? "" : org.Type.ToString();
            rows.Add((object?[])[type, org.Type == OrganisationType.National ? "England" : org.Name, .. months.TakeWhile(m => m <= workbook.Period).Select(m => (object?)(StableHash.Of(workbook.Spec.Seed, m.Ticks, org.Code) % 23 == 0 ? 1 : 0))]);
        }

        return new SheetModel("Table 1", rows);
    }

    private static SheetModel Table2(SyntheticWorkbook workbook)
    {
        DateTime[] months = FinancialYearMonths(workbook.Period);
        var rows = new List<IReadOnlyList<object?>>
        {
            (object?[])["National time series of total reported waiting list by service"],
            (object?[])["Data is submitted at provider level and aggregated up to national level; see Table 1 for the providers that did not submit."],
            (object?[])["Service", .. months.Select(m => (object?)SyntheticWorkbook.MonthLabel(m))],
        };
        int[] national = Enumerable.Range(0, workbook.Services.Count).Select(s => workbook.Value(WaitBand.Total, 0, s) ?? 0).ToArray();
        int adult = Enumerable.Range(0, national.Length).Where(s => workbook.Services[s].Category == ServiceCategory.Adult).Sum(s => national[s]);
        int cyp = national.Sum() - adult;
        rows.Add(Series("England", national.Sum()));
        rows.Add(Series("Adult services", adult));
        rows.Add(Series("CYP services", cyp));
        for (int s = 0; s < workbook.Services.Count; s++)
        {
            rows.Add(Series(workbook.ServiceHeaders[s], national[s]));
        }

        return new SheetModel("Table 2", rows);

        // Earlier months of the year are plausible neighbours of this month's figure; only this month is checked.
        object?[] Series(string label, int current) =>
        [
            label,
            .. months.TakeWhile(m => m <= workbook.Period).Select(m => (object?)(m == workbook.Period
                ? current
                : (int)(current * (0.95 + 0.1 * StableHash.Fraction(workbook.Spec.Seed, m.Ticks, label))))),
        ];
    }

    private static SheetModel Table3(SyntheticWorkbook workbook)
    {
        IReadOnlyList<WaitBand> bands = workbook.Bands;
        var rows = new List<IReadOnlyList<object?>>
        {
            (object?[])[$"National overview of waiting list metrics by service, {PublishedLayout.MonthYear(workbook.Period)}"],
            (object?[])["Data is submitted at provider level and aggregated up to national level; see Table 1 for the providers that did not submit."],
            (object?[])["The sum of weekly breakdowns may not match the total waiting list as some providers were still collecting data by weeks waiting."],
            (object?[])["* Adult safeguarding, looked after children teams and children and young people's safeguarding are published at national level only, and for the total waiting list only."],
            (object?[])["", .. bands.Select(b => (object?)Table3Heading(b))],
        };
        rows.Add(Overview("England", _ => true));
        rows.Add(Overview("Adult services", s => s.Category == ServiceCategory.Adult));
        rows.Add(Overview("CYP services", s => s.Category == ServiceCategory.CYP));
        for (int s = 0; s < workbook.Services.Count; s++)
        {
            int column = s;
            rows.Add((object?[])[workbook.ServiceHeaders[s], .. bands.Select(b => (object?)workbook.Value(b, 0, column))]);
        }

        return new SheetModel("Table 3", rows);

        object?[] Overview(string label, Func<ServiceDefinition, bool> include) =>
        [
            label,
            .. bands.Select(b => (object?)Enumerable.Range(0, workbook.Services.Count).Where(s => include(workbook.Services[s])).Sum(s => workbook.Value(b, 0, s) ?? 0)),
        ];
    }

    private static string Table3Heading(WaitBand band) => band switch
    {
        WaitBand.Total => "Total waiting list",
        WaitBand.Wait0To1Weeks => "Waiting 0-1 weeks",
        WaitBand.Wait1To2Weeks => "Waiting >1-2 weeks",
        WaitBand.Wait2To4Weeks => "Waiting >2-4 weeks",
        WaitBand.Wait4To12Weeks => "Waiting >4-12 weeks",
        WaitBand.Wait12To18Weeks => "Waiting >12-18 weeks",
        WaitBand.Wait18To52Weeks => "Waiting >18-52 weeks",
        WaitBand.Wait52PlusWeeks => "Waiting >52 weeks",
        WaitBand.Wait52To104Weeks => "Waiting >52-104 weeks",
        _ => "Waiting >104 weeks",
    };

    private static SheetModel BandSheet(SyntheticWorkbook workbook, WaitBand band)
    {
        WorkbookSpec spec = workbook.Spec;
        string name = PublishedLayout.SheetName(band, workbook.Split52);
        DateTime titlePeriod = spec.TitleOverrides.LastOrDefault(t => t.Sheet == name)?.Period ?? workbook.Period;
        var rows = new List<IReadOnlyList<object?>> { (object?[])[PublishedLayout.Title(band, titlePeriod)] };

        // January 2025 carried its extra note on every band sheet except the last.
        bool extraNote = spec.ExtraNoteRow && !(workbook.Split52 && band == WaitBand.Wait104PlusWeeks);
        rows.AddRange(PublishedLayout.Notes(extraNote).Select(n => (object?[])[n]));
        rows.Add((object?[])[.. PublishedLayout.HeaderStart, .. workbook.ServiceHeaders.Select(h => (object?)h)]);

        for (int o = 0; o < workbook.Organisations.Count; o++)
        {
            OrganisationRow org = workbook.Organisations[o];
            object?[] row = new object?[3 + workbook.Services.Count];
            row[0] = org.Type.ToString();
            row[1] = org.Code;
            row[2] = org.Name;
            for (int s = 0; s < workbook.Services.Count; s++)
            {
                row[3 + s] = workbook.Value(band, o, s);
            }

            rows.Add(row);
            if (org.Type == OrganisationType.Provider && org.Code == spec.DuplicateProviderCode)
            {
                rows.Add((object?[])row.Clone());
            }
        }

        if (spec.TrailingEmptyRow)
        {
            rows.Add([]);
        }

        return new SheetModel(name, rows);
    }

    private static void ApplyOverrides(SyntheticWorkbook workbook, List<SheetModel> sheets, List<InjectedCell> injected)
    {
        foreach (CellOverride change in workbook.Spec.CellOverrides)
        {
            SheetModel sheet = sheets.SingleOrDefault(s => s.Name == change.Sheet)
                ?? throw new ArgumentException($"Cell override names sheet '{change.Sheet}', which the workbook does not have.");
            int column = 3 + workbook.IndexOfService(change.Service);
            int row = -1;
            for (int r = 0; r < sheet.Rows.Count; r++)
            {
                if (sheet.Rows[r].Count > 1 && sheet.Rows[r][1] as string == change.OrganisationCode && sheet.Rows[r][0] is string type && type != "Organisation Type")
                {
                    row = r;
                    break;
                }
            }

            if (row < 0)
            {
                throw new ArgumentException($"Cell override names organisation '{change.OrganisationCode}', which sheet '{change.Sheet}' does not list.");
            }

            ((object?[])sheet.Rows[row])[column] = change.Value;
            injected.Add(new InjectedCell(sheet.Name, CellReference.Of(row + 1, column + 1), change.Value));
        }
    }

    private static DateTime[] FinancialYearMonths(DateTime period)
    {
        var start = new DateTime(WorkbookFinancialYearStart(period), 4, 1);
        return Enumerable.Range(0, 12).Select(start.AddMonths).ToArray();
    }

    private static int WorkbookFinancialYearStart(DateTime period) => Workbooks.Checks.WorkbookFileName.FinancialYearStart(period);

    private static string Date(DateTime date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}
