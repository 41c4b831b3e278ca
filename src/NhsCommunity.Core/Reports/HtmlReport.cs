using System.Globalization;
using System.Net;
using System.Text;
using NhsCommunity.Coverage;

namespace NhsCommunity.Reports;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG; no scripts, fonts or images from anywhere):
/// summary cards, a trusts × months coverage heat map, a bar chart of 52+ week waits by month, the
/// findings by check and the trusts with the highest and lowest service coverage.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const string Css = """
        :root { --ink: #1d2731; --muted: #5f6b76; --line: #dde3e8; --accent: #0b6e68; --bad: #b3261e; --warn: #a15c00; --ok: #1b7f3b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f5f7f9; }
        header { background: linear-gradient(120deg, #0b4f6c, #0b6e68); color: #fff; padding: 28px 40px 24px; }
        header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; letter-spacing: .2px; }
        header p { margin: 0; opacity: .85; }
        main { max-width: 1240px; margin: 0 auto; padding: 24px 40px 48px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 22px; }
        h2 { margin: 0 0 4px; font-size: 18px; }
        .note { margin: 0 0 14px; color: var(--muted); font-size: 13px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 14px; margin: 0 0 22px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
        .card .value { font-size: 26px; font-weight: 650; }
        .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; }
        .card.passed .value { color: var(--ok); } .card.failed .value { color: var(--bad); }
        svg { display: block; max-width: 100%; height: auto; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
        svg .axis { fill: var(--muted); font-size: 11px; }
        svg .trust { font-size: 9px; fill: #34424e; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .4px; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .sev { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11px; font-weight: 600; }
        .sev.Error { background: #fde7e5; color: var(--bad); } .sev.Warning { background: #fff1dc; color: var(--warn); } .sev.Info { background: #e6f0fb; color: #1a5a9c; }
        .bar { height: 8px; background: #0b6e68; border-radius: 4px; min-width: 2px; }
        .zero { color: #9aa5ae; }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 22px; }
        .two section { margin: 0; }
        footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 30px; }
        """;

    public static string Build(CoverageReport report)
    {
        CoverageMatrix matrix = report.ToMatrix();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>Community health services data quality</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        string range = report.FirstPeriod is { } f && report.LastPeriod is { } l ? $"{Label(f)} to {Label(l)}" : "no data";
        html.Append(Invariant, $"<header><h1>Community health services data quality</h1><p>{E(range)} · {E(report.Database)} · {E(report.Scope.Column)} ({E(report.Scope.DataType)}) · generated {report.GeneratedAt.UtcDateTime:d MMM yyyy HH:mm} UTC</p></header>\n<main>\n");

        if (report.Rows == 0)
        {
            html.Append(Invariant, $"<section id=\"no-data\">\n<h2>No data</h2>\n<p class=\"note\">trust_metrics has no rows in this report's scope ({E(DataQualityMarkdown.Scope(report.Scope))}), so the heat map, chart and tables below are empty.</p>\n</section>\n");
        }

        AppendCards(html, report);
        AppendHeatMap(html, matrix);
        Append52WeekChart(html, report);
        AppendFindings(html, report);
        AppendRankings(html, report);

        html.Append("</main>\n<footer>Made by Export-CommunityReport from trust_metrics. The SQL of every check is in checks.sql.</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The fill of a heat map cell: grey for no row, rose for a row without data, teal by services reported.</summary>
    public static string CellColour(int? services, int maxServices)
    {
        if (services is null)
        {
            return "#e9edf0";
        }

        if (services == 0)
        {
            return "#f6cdc8";
        }

        double t = maxServices <= 1 ? 1 : Math.Clamp((services.Value - 1) / (double)(maxServices - 1), 0, 1);
        (int r, int g, int b) from = (0xd3, 0xef, 0xe9), to = (0x0b, 0x5e, 0x59);
        return string.Create(Invariant, $"#{Mix(from.r, to.r, t):x2}{Mix(from.g, to.g, t):x2}{Mix(from.b, to.b, t):x2}");
    }

    private static int Mix(int a, int b, double t) => (int)Math.Round(a + ((b - a) * t));

    private static void AppendCards(StringBuilder html, CoverageReport report)
    {
        html.Append("<div class=\"cards\">\n");
        Card(html, "Trusts", report.Trusts.ToString("N0", Invariant));
        Card(html, "Months", report.Periods.ToString("N0", Invariant));
        Card(html, "Documents", report.Documents.ToString("N0", Invariant));
        Card(html, "Trust-months covered", DataQualityMarkdown.CoverageShare(report).ToString("P0", Invariant));
        Card(html, "Errors", report.Errors.ToString("N0", Invariant));
        Card(html, "Warnings", report.Warnings.ToString("N0", Invariant));
        Card(html, "Result", report.Passed ? "Passed" : "Failed", report.Passed ? "passed" : "failed");
        html.Append("</div>\n");
    }

    private static void Card(StringBuilder html, string label, string value, string cssClass = "") =>
        html.Append(Invariant, $"<div class=\"card {cssClass}\"><div class=\"value\">{E(value)}</div><div class=\"label\">{E(label)}</div></div>\n");

    private static void AppendHeatMap(StringBuilder html, CoverageMatrix matrix)
    {
        int months = matrix.Periods.Count;
        int trusts = matrix.Rows.Count;
        int maxServices = Math.Max(1, matrix.Rows.SelectMany(r => r.Cells).Select(c => c ?? 0).DefaultIfEmpty(0).Max());
        const int labelWidth = 44, right = 60, top = 40, legendHeight = 40;
        int cellWidth = months == 0 ? 20 : Math.Clamp(1060 / months, 6, 56);
        int cellHeight = trusts > 80 ? 10 : 16;
        int width = labelWidth + (months * cellWidth) + right;
        int height = top + (trusts * cellHeight) + legendHeight + 10;

        html.Append("<section id=\"coverage\">\n<h2>Coverage heat map</h2>\n");
        html.Append(Invariant, $"<p class=\"note\">One row per trust, one column per month; the shade is the number of services the trust reported (darkest: {maxServices}). Hover a cell for details.</p>\n");
        html.Append(Invariant, $"<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Coverage heat map of {trusts} trusts over {months} months\">\n");

        AppendMonthAxis(html, matrix.Periods, labelWidth, cellWidth, top - 8);

        // A cell per trust and month (18,000 over ten years): what repeats is worked out once, not per cell.
        string[] colours = Enumerable.Range(0, maxServices + 2).Select(i => CellColour(i == 0 ? null : i - 1, maxServices)).ToArray();
        string[] states = Enumerable.Range(0, maxServices + 2).Select(i => i == 0 ? "no row" : i == 1 ? "no data" : $"{i - 1} services").ToArray();
        string[] labels = matrix.Periods.Select(Label).ToArray();
        for (int row = 0; row < trusts; row++)
        {
            CoverageMatrixRow trust = matrix.Rows[row];
            int y = top + (row * cellHeight);
            string code = E(trust.TrustCode), name = E(trust.TrustName);
            html.Append(Invariant, $"<g class=\"trust-row\"><text class=\"trust\" x=\"{labelWidth - 6}\" y=\"{y + cellHeight - 2}\" text-anchor=\"end\">{code}<title>{name}</title></text>");
            for (int col = 0; col < months; col++)
            {
                int shade = trust.Cells[col] is { } services ? Math.Min(services, maxServices) + 1 : 0;
                html.Append(Invariant, $"<rect class=\"cell\" x=\"{labelWidth + (col * cellWidth)}\" y=\"{y}\" width=\"{cellWidth - 1}\" height=\"{cellHeight - 1}\" fill=\"{colours[shade]}\"><title>{code} {name}, {labels[col]}: {states[shade]}</title></rect>");
            }

            html.Append(Invariant, $"<text class=\"axis\" x=\"{labelWidth + (months * cellWidth) + 6}\" y=\"{y + cellHeight - 2}\" font-size=\"9\">{trust.MonthsWithData}/{months}</text></g>\n");
        }

        int legendY = top + (trusts * cellHeight) + 18;
        int x = labelWidth;
        foreach (var (label, colour) in new[] { ("no row", CellColour(null, maxServices)), ("row without data", CellColour(0, maxServices)), ("1 service", CellColour(1, maxServices)), ($"{(maxServices + 1) / 2} services", CellColour((maxServices + 1) / 2, maxServices)), ($"{maxServices} services", CellColour(maxServices, maxServices)) })
        {
            html.Append(Invariant, $"<rect class=\"legend\" x=\"{x}\" y=\"{legendY}\" width=\"14\" height=\"14\" rx=\"2\" fill=\"{colour}\"/><text class=\"axis\" x=\"{x + 20}\" y=\"{legendY + 11}\">{E(label)}</text>\n");
            x += 30 + (label.Length * 6);
        }

        html.Append("</svg>\n</section>\n");
    }

    private static void AppendMonthAxis(StringBuilder html, IReadOnlyList<DateTime> periods, int left, int columnWidth, int baseline)
    {
        bool everyMonth = columnWidth >= 24;
        for (int i = 0; i < periods.Count; i++)
        {
            DateTime period = periods[i];
            double centre = left + (i * columnWidth) + ((columnWidth - 1) / 2.0);
            if (everyMonth)
            {
                html.Append(Invariant, $"<text class=\"axis month\" x=\"{centre:0.#}\" y=\"{baseline}\" text-anchor=\"middle\">{period.ToString("MMM", Invariant)}</text>");
                if (i == 0 || period.Month == 1)
                {
                    html.Append(Invariant, $"<text class=\"axis year\" x=\"{centre:0.#}\" y=\"{baseline - 14}\" text-anchor=\"middle\" font-weight=\"600\">{period.Year}</text>");
                }
            }
            else if (i == 0 || period.Month == 1)
            {
                html.Append(Invariant, $"<text class=\"axis year\" x=\"{left + (i * columnWidth)}\" y=\"{baseline}\" font-weight=\"600\">{period.Year}</text>");
            }
        }

        html.Append('\n');
    }

    private static void Append52WeekChart(StringBuilder html, CoverageReport report)
    {
        var months = report.Waits52PlusByMonth();
        const int left = 70, right = 20, top = 24, plotHeight = 240, bottom = 44;
        int count = Math.Max(1, months.Count);
        int barSlot = Math.Clamp(1060 / count, 6, 80);
        int width = left + (count * barSlot) + right;
        int height = top + plotHeight + bottom;
        long max = Math.Max(1, months.Count == 0 ? 1 : months.Max(m => m.Waiting52PlusWeeks));
        long step = NiceStep(max / 4.0);
        long axisMax = ((max + step - 1) / step) * step;

        html.Append("<section id=\"waits\">\n<h2>52+ week waits by month</h2>\n");
        html.Append("<p class=\"note\">Patients waiting over 52 weeks, summed over every service of every trust with data in the month.</p>\n");
        html.Append(Invariant, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"52+ week waits by month\">\n");
        for (long tick = 0; tick <= axisMax; tick += step)
        {
            double y = top + plotHeight - (plotHeight * tick / (double)axisMax);
            html.Append(Invariant, $"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#e3e8ec\"/><text class=\"axis\" x=\"{left - 8}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{tick.ToString("N0", Invariant)}</text>\n");
        }

        bool labelValues = barSlot >= 40;
        for (int i = 0; i < months.Count; i++)
        {
            var (period, waiting, trusts) = months[i];
            double barHeight = plotHeight * waiting / (double)axisMax;
            double x = left + (i * barSlot) + (barSlot * 0.15);
            double y = top + plotHeight - barHeight;
            html.Append(Invariant, $"<rect class=\"bar52\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barSlot * 0.7:0.#}\" height=\"{barHeight:0.#}\" rx=\"2\" fill=\"#c2410c\"><title>{Label(period)}: {waiting.ToString("N0", Invariant)} waiting 52+ weeks ({trusts} trusts with data)</title></rect>");
            if (labelValues && waiting > 0)
            {
                html.Append(Invariant, $"<text class=\"axis\" x=\"{x + (barSlot * 0.35):0.#}\" y=\"{y - 5:0.#}\" text-anchor=\"middle\" font-size=\"10\">{Compact(waiting)}</text>");
            }

            html.Append('\n');
        }

        html.Append(Invariant, $"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight}\" stroke=\"#8895a0\"/>\n");
        AppendMonthAxis(html, months.Select(m => m.Period).ToArray(), left, barSlot, top + plotHeight + 30);
        html.Append("</svg>\n</section>\n");
    }

    private static void AppendFindings(StringBuilder html, CoverageReport report)
    {
        int most = Math.Max(1, report.FindingsByCheck.Values.DefaultIfEmpty(0).Max());
        html.Append("<section id=\"findings\">\n<h2>Findings by check</h2>\n<p class=\"note\">Errors fail the report; BandSum differences are the source's own figures, reported and never corrected.</p>\n");
        html.Append("<table>\n<thead><tr><th>Check</th><th>Severity</th><th class=\"num\">Findings</th><th style=\"width:28%\"></th><th>What it looks for</th></tr></thead>\n<tbody>\n");
        foreach (CoverageCheck check in report.Checks)
        {
            int count = report.FindingsByCheck[check.Name];
            string bar = count == 0 ? "" : string.Create(Invariant, $"<div class=\"bar\" style=\"width:{Math.Max(1, 100.0 * count / most):0.#}%\"></div>");
            html.Append(Invariant, $"<tr><td>{E(check.Name)}</td><td><span class=\"sev {check.Severity}\">{check.Severity}</span></td><td class=\"num{(count == 0 ? " zero" : "")}\">{count.ToString("N0", Invariant)}</td><td>{bar}</td><td>{E(check.Description)}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void AppendRankings(StringBuilder html, CoverageReport report)
    {
        IReadOnlyList<TrustServiceCoverage> ranked = TrustServiceCoverage.Rank(report);
        html.Append("<div class=\"two\">\n");
        AppendRanking(html, "Highest service coverage", ranked.Take(DataQualityMarkdown.RankingSize));
        AppendRanking(html, "Lowest service coverage", ranked.Reverse().Take(DataQualityMarkdown.RankingSize));
        html.Append("</div>\n");
    }

    private static void AppendRanking(StringBuilder html, string title, IEnumerable<TrustServiceCoverage> trusts)
    {
        html.Append(Invariant, $"<section>\n<h2>{E(title)}</h2>\n<p class=\"note\">Average services reported per month.</p>\n<table>\n<thead><tr><th>Trust</th><th>Name</th><th class=\"num\">Months</th><th class=\"num\">Services</th></tr></thead>\n<tbody>\n");
        foreach (TrustServiceCoverage t in trusts)
        {
            html.Append(Invariant, $"<tr><td>{E(t.TrustCode)}</td><td>{E(t.TrustName)}</td><td class=\"num\">{t.MonthsWithData}/{t.Months}</td><td class=\"num\">{t.AverageServices:0.0}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static long NiceStep(double rough)
    {
        if (rough <= 1)
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double unit = rough / magnitude;
        double nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10;
        return Math.Max(1, (long)Math.Round(nice * magnitude));
    }

    private static string Compact(long value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000.0).ToString("0.#", Invariant) + "m",
        >= 10_000 => (value / 1000.0).ToString("0", Invariant) + "k",
        >= 1_000 => (value / 1000.0).ToString("0.#", Invariant) + "k",
        _ => value.ToString(Invariant),
    };

    private static string Label(DateTime period) => period.ToString("MMM yyyy", Invariant);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
