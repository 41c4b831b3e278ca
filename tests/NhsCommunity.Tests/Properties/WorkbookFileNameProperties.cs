using CsCheck;
using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Properties;

/// <summary>
/// File names and their months: financial year (April to March) then month name, so "2024-25-January" is January
/// 2025. Expected periods are worked out here from the financial-year rule, never by <see cref="WorkbookFileName"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WorkbookFileNameProperties
{
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    // Every month of the financial years the pattern can name, 1900-01 (from April 1900) to 2099-00 (to March 2100).
    private static readonly Gen<DateTime> Periods = Gen.Int[0, (200 * 12) - 1].Select(i => new DateTime(1900, 4, 1).AddMonths(i));

    [Fact]
    public void The_name_given_to_a_month_reads_back_as_that_month() =>
        Periods.Sample(period =>
        {
            string name = WorkbookFileName.For(period);
            Assert.True(WorkbookFileName.TryParse(name, out DateTime parsed), name);
            Assert.Equal(period, parsed);
        }, iter: 10_000);

    [Fact]
    public void A_name_written_by_hand_reads_as_the_month_of_its_financial_year()
    {
        var names = Gen.Select(
            Gen.Int[1900, 2098],
            Gen.Int[1, 12],
            Gen.OneOfConst(WorkbookFileName.Prefix, "community health services waiting lists ", "chs_", ""),
            Gen.OneOfConst("-", "_", " "),
            Gen.Int[0, 2],
            Gen.Select(Gen.OneOfConst("", " (1)", "-revised", "_v2"), Gen.OneOfConst(".xlsx", ".xls", ".XLSX")));
        names.Sample((start, month, prefix, separator, spelling, tail) =>
        {
            string full = Months[month - 1];
            string written = spelling switch { 0 => full, 1 => full.ToUpperInvariant(), _ => full[..3].ToLowerInvariant() };
            string name = $"{prefix}{start}{separator}{(start + 1) % 100:00}{separator}{written}{tail.Item1}{tail.Item2}";
            int year = month >= 4 ? start : start + 1; // April to December in the first year, January to March in the second

            Assert.True(WorkbookFileName.TryParse(name, out DateTime parsed), name);
            Assert.Equal(new DateTime(year, month, 1), parsed);
        });
    }

    [Fact]
    public void A_financial_year_whose_two_years_are_not_consecutive_is_not_read() =>
        Gen.Select(Gen.Int[1900, 2098], Gen.Int[0, 99], Gen.Int[1, 12]).Where(t => (t.Item1 + 1) % 100 != t.Item2)
            .Sample((start, end, month) =>
            {
                string name = $"{WorkbookFileName.Prefix}{start}-{end:00}-{Months[month - 1]}.xlsx";
                Assert.False(WorkbookFileName.TryParse(name, out _), name);
            });
}
